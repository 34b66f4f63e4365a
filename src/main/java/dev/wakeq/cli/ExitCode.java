package dev.wakeq.cli;

import dev.wakeq.install.Problem;
import dev.wakeq.install.Reason;
import java.util.Collection;

/**
 * The exit status of {@code wakeq install | uninstall | status}, one per class of problem (docs/vm.md, "Exit
 * codes"). With several tenants the lowest non-zero code wins: it is the class to fix first.
 */
enum ExitCode {
    /** Done, or (status) in sync, or (install --check) nothing missing. */
    OK(0),
    /** A bad flag, tenants file or spec field: nothing was sent to any database. */
    USAGE(2),
    /** The database could not be reached or logged into, or the schema does not exist. */
    CONNECTION(3),
    /** The account lacks a privilege (or SUPER, with binary logging on). */
    PRIVILEGE(4),
    /** The server is not set up for wakeq: library, function, event scheduler, queue table. */
    SERVER_SETUP(5),
    /** status only: no problem, but the database differs from the spec (install would change it). */
    DRIFT(6),
    /** A lock wait timed out or the server gave an unexpected error: retry, then read the message. */
    FAILED(7);

    final int code;

    ExitCode(int code) {
        this.code = code;
    }

    static ExitCode of(Reason reason) {
        return switch (reason) {
            case AuthenticationFailed, DatabaseUnreachable, SchemaMissing -> CONNECTION;
            case MissingPrivilege, BinlogTrustRequired -> PRIVILEGE;
            case QueueTableMissing, UdfLibraryMissing, UdfLibraryInvalid, FunctionConflict, EventSchedulerDisabled,
                 FunctionNotLoaded, MarksTableNotMemory -> SERVER_SETUP;
            case LockWaitTimeout, UnexpectedDatabaseError -> FAILED;
            // A note, never a problem; listed so that a new reason must be given a class here.
            case OldFunctionKept -> OK;
        };
    }

    static ExitCode worst(Collection<Problem> problems) {
        return problems.stream().map(p -> of(p.reason())).reduce(OK, ExitCode::first);
    }

    /** The lowest non-zero of the two. */
    static ExitCode first(ExitCode a, ExitCode b) {
        if (a == OK) {
            return b;
        }
        return b == OK || a.code <= b.code ? a : b;
    }
}
