package dev.wakeq.testbed.kube;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.stream.Collectors;

/**
 * Keeps the last lines etcd and kube-apiserver printed, to show them when the server does not start.
 *
 * <p>kube-api-test forwards each process's output to its own SLF4J logger ({@code ...EtcdProcessLogs},
 * {@code ...APIServerProcessLogs}) at DEBUG, which the default logging drops. This handler enables that level
 * below {@code io.fabric8.kubeapitest.process} only, keeps a bounded tail per process, and lets warnings
 * through to stderr; the rest would flood the test output. kube-api-test's own readiness polling logs at DEBUG
 * there too ("Cannot connect to the server" every 100 ms), which is dropped so it cannot push out the real cause.
 */
final class ProcessLogTail extends Handler {

    private static final String PROCESS_LOGGERS = "io.fabric8.kubeapitest.process";
    private static final String PROCESS_OUTPUT_SUFFIX = "Logs";
    private static final int MAX_LINES_PER_PROCESS = 40;

    private final Map<String, Deque<String>> tails = new TreeMap<>();

    private ProcessLogTail() {
    }

    static ProcessLogTail attach() {
        ProcessLogTail tail = new ProcessLogTail();
        // The JBoss logger, not the JDK's: SLF4J writes there whichever java.util.logging manager is installed.
        java.util.logging.Logger logger = org.jboss.logmanager.Logger.getLogger(PROCESS_LOGGERS);
        logger.setLevel(Level.ALL);
        logger.setUseParentHandlers(false);
        logger.addHandler(tail);
        return tail;
    }

    @Override
    public void publish(LogRecord record) {
        boolean warning = record.getLevel().intValue() >= Level.WARNING.intValue();
        if (warning) {
            System.err.println("[kube-api-test] " + record.getLevel() + " " + record.getMessage());
        }
        String logger = String.valueOf(record.getLoggerName());
        if (!warning && !logger.endsWith(PROCESS_OUTPUT_SUFFIX)) {
            return;
        }
        String source = logger.substring(logger.lastIndexOf('.') + 1);
        synchronized (tails) {
            Deque<String> lines = tails.computeIfAbsent(source, s -> new ArrayDeque<>());
            if (lines.size() == MAX_LINES_PER_PROCESS) {
                lines.removeFirst();
            }
            lines.addLast(record.getMessage());
        }
    }

    String lastLines() {
        synchronized (tails) {
            if (tails.isEmpty()) {
                return "(no output captured)";
            }
            return tails.entrySet().stream()
                    .map(e -> "--- " + e.getKey() + " ---\n" + String.join("\n", e.getValue()))
                    .collect(Collectors.joining("\n"));
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
