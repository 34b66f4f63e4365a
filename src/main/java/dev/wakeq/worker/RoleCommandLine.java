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
