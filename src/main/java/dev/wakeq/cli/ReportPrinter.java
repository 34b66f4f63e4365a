package dev.wakeq.cli;

import dev.wakeq.install.InstallReport;
import dev.wakeq.install.ObjectReport;
import dev.wakeq.install.Problem;
import dev.wakeq.install.TenantSpec;
import java.io.PrintStream;

/**
 * Prints one tenant's report: what it is (never its password or tenant key, which the worker treats as a secret),
 * one line per object, then problems and notes with where to read about them.
 */
final class ReportPrinter {

    static final String REASONS_DOC = "docs/operations.md, \"Troubleshooting by condition reason\"";

    private final PrintStream out;

    ReportPrinter(PrintStream out) {
        this.out = out;
    }

    void print(String command, TenantEntries.Entry entry, InstallReport report, ExitCode outcome) {
        TenantSpec s = entry.spec();
        out.println("tenant " + entry.where() + ": " + s.dbHost() + ":" + s.dbPort() + " schema " + s.schema().name()
                + " queue " + s.queueTable().name() + ": " + verdict(command, outcome));
        if (!command.equals("uninstall")) {
            out.println("  function version " + s.functionVersion() + ", sweep every " + s.sweepMinutes()
                    + " min, wake-ups to " + s.wakeHost() + " port " + s.wakePort());
        }
        for (ObjectReport o : report.objects()) {
            out.println("  " + label(o.kind()) + " " + o.name() + ": " + state(o)
                    + (o.detail().isEmpty() || o.detail().equals("absent") ? "" : " (" + o.detail() + ")"));
        }
        for (Problem p : report.problems()) {
            out.println("  problem " + p + " [see " + REASONS_DOC + "]");
        }
        for (Problem n : report.notes()) {
            out.println("  note " + n);
        }
    }

    private static String verdict(String command, ExitCode outcome) {
        if (outcome == ExitCode.DRIFT) {
            return "drift (install would change it)";
        }
        if (outcome != ExitCode.OK) {
            return "problems (exit " + outcome.code + ")";
        }
        return switch (command) {
            case "status" -> "in sync";
            case "uninstall" -> "removed";
            case "check" -> "nothing missing";
            default -> "installed";
        };
    }

    private static String label(ObjectReport.Kind kind) {
        return kind.name().toLowerCase().replace('_', ' ');
    }

    private static String state(ObjectReport o) {
        String found = switch (o.found()) {
            case ABSENT -> "absent";
            case CURRENT -> "as specified";
            case OUTDATED -> "differs";
            case UNKNOWN -> "unknown";
        };
        return switch (o.action()) {
            case NONE -> found;
            case SKIPPED -> found + ", not changed";
            default -> found + ", " + o.action().name().toLowerCase();
        };
    }
}
