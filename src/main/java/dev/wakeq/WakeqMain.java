package dev.wakeq;

import dev.wakeq.cli.CliMain;
import dev.wakeq.relay.RelayMain;
import dev.wakeq.worker.WorkerMain;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.Arrays;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The image's entry point: one image runs every role. {@code worker [--name=value...]} runs the worker
 * ({@link WorkerMain}), which is what the operator's worker Deployment passes; {@code relay [--name=value...]} runs
 * the binary-log relay ({@link RelayMain}); {@code install | uninstall | status} run the installer command
 * ({@link CliMain}, docs/vm.md); anything else boots the operator.
 */
@QuarkusMain
public final class WakeqMain {

    public static final String WORKER = "worker";
    public static final String RELAY = "relay";

    /** A role's entry point, so the choice can be tested without starting either. */
    @FunctionalInterface
    interface Role {
        void run(String[] args) throws Exception;
    }

    private WakeqMain() {
    }

    public static void main(String... args) throws Exception {
        if (CliMain.handles(args)) {
            // A command, not a service: it prints its report to stdout and ends with its exit code.
            CliMain.main(args);
            return;
        }
        dispatch(args, a -> {
            logToConsole();
            WorkerMain.main(a);
        }, a -> {
            logToConsole();
            RelayMain.main(a);
        }, Quarkus::run);
    }

    /**
     * The worker and the relay are started directly, never through Quarkus: booting Quarkus would start the
     * operator (its controllers, leader election and API server connection) inside every such pod.
     */
    static void dispatch(String[] args, Role worker, Role relay, Role operator) throws Exception {
        if (args.length > 0 && WORKER.equals(args[0])) {
            worker.run(Arrays.copyOfRange(args, 1, args.length));
        } else if (args.length > 0 && RELAY.equals(args[0])) {
            relay.run(Arrays.copyOfRange(args, 1, args.length));
        } else {
            operator.run(args);
        }
    }

    /**
     * Quarkus's launcher installs a log handler that holds every record until Quarkus configures logging, which
     * the worker never does: without this a worker pod would print nothing, and the held records would pile up.
     */
    private static void logToConsole() {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
        }
        Handler console = new ConsoleHandler();
        console.setFormatter(new SimpleFormatter());
        console.setLevel(Level.ALL);
        root.addHandler(console);
        root.setLevel(Level.INFO);
    }
}
