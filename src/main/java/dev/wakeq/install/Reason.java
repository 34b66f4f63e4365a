package dev.wakeq.install;

/**
 * Why an installation step failed or needs attention. {@link #toString()} is the CamelCase word a user can search
 * for in docs/installer.md; the operator uses it as a status condition's {@code reason}.
 */
public enum Reason {
    /** Error 1045: wrong user or password. */
    AuthenticationFailed,
    /** No connection: host, port, network policy, TLS, or the server is down. */
    DatabaseUnreachable,
    /**
     * Error 1049: the tenant's schema does not exist; the installer does not create schemas. Also error 1044 for a
     * schema the account can neither enter nor see in information_schema: missing, or no grant covers it.
     */
    SchemaMissing,
    /** Errors 1044, 1142, 1227, 1370: the account lacks a privilege; the message names it and the object. */
    MissingPrivilege,
    /** Error 1419: binary logging is on and the account has no SUPER. */
    BinlogTrustRequired,
    /** The queue table does not exist (or is a view) and {@code createQueueTable} is off. */
    QueueTableMissing,
    /** Error 1126: the function's library is not in the server's {@code @@plugin_dir}. */
    UdfLibraryMissing,
    /** Error 1127 (or 1124): the library is there but is not a usable wakeq function of that version. */
    UdfLibraryInvalid,
    /** A function of the same name exists but loads another library or returns another type. */
    FunctionConflict,
    /** The event is installed but {@code @@event_scheduler} is not ON, so it never runs. */
    EventSchedulerDisabled,
    /** Error 1205: the atomic trigger swap waited too long for the queue table lock (a long transaction). */
    LockWaitTimeout,
    /**
     * The function is listed in {@code mysql.func} but its library was not opened when the server started (MySQL 8
     * would crash at the first call), so the trigger and event do not call it; put the library back.
     */
    FunctionNotLoaded,
    /** MySQL 8: the {@code _wakeq_loaded} marks table is not MEMORY, so its marks would survive a restart. */
    MarksTableNotMemory,
    /**
     * An old function version was left in place because something may still call it: a note in the report
     * ({@link InstallReport#notes()}), not a problem, since the tenant's own wake-ups work.
     */
    OldFunctionKept,
    /** Any other database error; the message carries the vendor code. */
    UnexpectedDatabaseError
}
