package dev.wakeq.worker;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * What the plain-Java roles (worker, receiver, relay) share on the command line: {@code --name=value} arguments,
 * settings looked up as argument, then system property {@code wakeq.name}, then {@code WAKEQ_NAME}, and running until
 * the JVM is asked to stop.
 */
public final class RoleCommandLine {

    private RoleCommandLine() {
    }

    public static Map<String, String> parse(String[] args) {
        Map<String, String> cli = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("arguments look like --name=value, got: " + arg);
            }
            cli.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        return cli;
    }

    /**
     * Refuses a command-line option the role does not know, naming the valid ones: a misspelt option would otherwise
     * be ignored and its default silently used. (Properties and environment variables are not checked: the
     * environment also holds other roles' WAKEQ_* settings.)
     */
    public static void requireKnown(Map<String, String> cli, java.util.Set<String> known, String role) {
        for (String name : new java.util.TreeSet<>(cli.keySet())) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name + " for " + role + "; valid: --"
                        + String.join(" --", new java.util.TreeSet<>(known)));
            }
        }
    }

    public static String setting(Map<String, String> cli, String name, String fallback) {
        if (cli.containsKey(name)) {
            return cli.get(name);
        }
        String property = System.getProperty("wakeq." + name);
        if (property != null) {
            return property;
        }
        String env = System.getenv("WAKEQ_" + name.toUpperCase().replace('-', '_'));
        return env != null ? env : fallback;
    }

    /** Blocks until a shutdown hook has run {@code close} (the started role's close, which drains it). */
    public static void runUntilShutdown(Runnable close) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            close.run();
            stopped.countDown();
        }, "wakeq-shutdown"));
        stopped.await();
    }
}
