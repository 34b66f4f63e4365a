package dev.wakeq.cli;

import dev.wakeq.install.ConnectionFactory;
import dev.wakeq.install.InstallReport;
import dev.wakeq.install.StatementListener;
import dev.wakeq.install.TenantInstaller;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code wakeq install | uninstall | status}: the operator's installer for databases without Kubernetes
 * (docs/vm.md). A thin layer over {@link TenantInstaller}: the same validation, the same report, an exit code per
 * class of problem ({@link ExitCode}).
 */
public final class CliMain {

    private CliMain() {
    }

    public static boolean handles(String[] args) {
        return args.length > 0 && CommandLine.COMMANDS.contains(args[0]);
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System.getenv()));
    }

    /** Runs one command; returns its exit code. {@code env}: where {@code password-env} variables are looked up. */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        String command = args[0];
        List<TenantEntries.Entry> entries;
        boolean check;
        try {
            CommandLine cli = CommandLine.parse(command, Arrays.copyOfRange(args, 1, args.length));
            check = cli.check();
            entries = new TenantEntries(command, env).read(cli);
        } catch (UsageException e) {
            err.println("wakeq " + command + ": " + e.getMessage());
            err.println("nothing was changed (docs/vm.md, \"The wakeq command\")");
            return ExitCode.USAGE.code;
        }
        ReportPrinter printer = new ReportPrinter(out);
        ExitCode result = ExitCode.OK;
        for (TenantEntries.Entry entry : entries) {
            TenantInstaller installer = new TenantInstaller(
                    ConnectionFactory.jdbc(Map.of("sslMode", entry.sslMode())), StatementListener.NONE);
            InstallReport report = switch (command) {
                case "install" -> check ? installer.check(entry.spec()) : installer.install(entry.spec());
                case "uninstall" -> installer.uninstall(entry.spec());
                default -> installer.inspect(entry.spec());
            };
            ExitCode outcome = ExitCode.worst(report.problems());
            if (outcome == ExitCode.OK && command.equals("status") && !report.inSync()) {
                outcome = ExitCode.DRIFT;
            }
            printer.print(check ? "check" : command, entry, report, outcome);
            result = ExitCode.first(result, outcome);
        }
        return result.code;
    }
}
