package dev.wakeq.worker;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects every record logged under {@code dev.wakeq} (all levels) until closed. */
final class LogCapture extends Handler implements AutoCloseable {

    private final Logger root = Logger.getLogger("dev.wakeq");
    private final Level previous = root.getLevel();
    final List<String> lines = new CopyOnWriteArrayList<>();

    LogCapture() {
        setLevel(Level.ALL);
        root.setLevel(Level.ALL);
        root.addHandler(this);
    }

    @Override
    public void publish(LogRecord record) {
        String message = record.getMessage();
        if (record.getThrown() != null) {
            message += " " + record.getThrown();
        }
        lines.add(record.getLevel() + " " + message);
    }

    boolean contains(String text) {
        return lines.stream().anyMatch(l -> l.contains(text));
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        root.removeHandler(this);
        root.setLevel(previous);
    }
}
