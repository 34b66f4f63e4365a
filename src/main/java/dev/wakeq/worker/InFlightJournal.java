package dev.wakeq.worker;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The keys of tenants with jobs in flight, in a file of the worker's state directory, so that a worker process
 * restarted after a crash (kill -9, the OOM killer; systemd or the kubelet restart it) sweeps those tenants at once.
 * Their claims were freed when the dead process's connections closed ({@code ClaimLiveness}), but no wake-up
 * would come for them before the tenant's next sweep, minutes later (issue 16).
 *
 * <p>The file changes only when a tenant's jobs in flight go from none to some or back, at most once per
 * {@link #FLUSH_DELAY_MILLIS} (a new name renamed over the old, so a reader never sees half a file); a crash in
 * that window loses the newest change, and those jobs wait for their sweep as before. Not synced to disk: a
 * process crash keeps the page cache, and a machine crash loses the worker's connections and this file alike.
 * Keys are capabilities for wake-ups: the file is readable by the worker's user only.
 */
final class InFlightJournal {

    private static final Logger LOG = Logger.getLogger(InFlightJournal.class.getName());
    static final String FILE = "in-flight-tenants";
    static final long FLUSH_DELAY_MILLIS = 20;

    private final Path file;
    private final ScheduledExecutorService timers;
    private final List<String> previous;
    private final Map<String, Integer> jobs = new HashMap<>();
    private boolean flushScheduled;

    private InFlightJournal(Path file, ScheduledExecutorService timers, List<String> previous) {
        this.file = file;
        this.timers = timers;
        this.previous = previous;
    }

    /** A journal that keeps nothing (no state directory configured). */
    static InFlightJournal none() {
        return new InFlightJournal(null, null, List.of());
    }

    /** Reads what a previous process of this worker left in {@code dir}, then keeps the journal there. */
    static InFlightJournal in(Path dir, ScheduledExecutorService timers) {
        Path file = dir.resolve(FILE);
        List<String> previous = List.of();
        try {
            Files.createDirectories(dir);
            if (Files.exists(file)) {
                previous = Files.readAllLines(file).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
            }
        } catch (IOException e) {
            LOG.warning("could not read " + file + ": " + e.getMessage() + "; no tenant swept at start");
        }
        return new InFlightJournal(file, timers, previous);
    }

    /** Tenant keys that had jobs in flight when the previous process of this worker ended. */
    List<String> previous() {
        return previous;
    }

    synchronized void started(String key, int count) {
        if (file == null || count <= 0) {
            return;
        }
        if (jobs.merge(key, count, Integer::sum) == count) {
            changed();
        }
    }

    synchronized void finished(String key, int count) {
        if (file == null || count <= 0) {
            return;
        }
        Integer left = jobs.computeIfPresent(key, (k, n) -> n - count > 0 ? n - count : null);
        if (left == null) {
            changed();
        }
    }

    private void changed() {
        if (!flushScheduled) {
            flushScheduled = true;
            try {
                timers.schedule(this::flush, FLUSH_DELAY_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RuntimeException rejected) {
                // Shutting down: close() writes the last state.
                flushScheduled = false;
            }
        }
    }

    /** Writes the current set now; also at shutdown, when every job is settled or released. */
    void flush() {
        String text;
        synchronized (this) {
            flushScheduled = false;
            if (file == null) {
                return;
            }
            text = String.join("\n", new TreeSet<>(jobs.keySet())) + "\n";
        }
        try {
            Path tmp = Files.createTempFile(file.getParent(), FILE, ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, text);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warning("could not write " + file + ": " + e.getMessage());
        }
    }
}
