package dev.wakeq.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Re-reads the tenants file when its content changes. Content, not modification time: a Kubernetes Secret
 * volume updates by swapping a symlink, which leaves the file's own timestamps meaningless. A rejected file
 * is reported once per distinct content, and the last good tenants stay in force.
 */
final class TenantsFileWatcher implements TenantSource {

    private static final Logger LOG = Logger.getLogger(TenantsFileWatcher.class.getName());
    private static final byte[] MISSING = new byte[0];

    private final Path file;
    private final Consumer<List<TenantConfig>> apply;
    private final WorkerMetrics metrics;
    private byte[] lastDigest;
    private volatile boolean settled;

    TenantsFileWatcher(Path file, Consumer<List<TenantConfig>> apply, WorkerMetrics metrics) {
        this.file = file;
        this.apply = apply;
        this.metrics = metrics;
    }

    /**
     * Applies the configured tenants file now and re-checks it every {@link WorkerConfig#configCheckInterval()} on
     * {@code timers}. Null when the config names no file (tenants set in code).
     */
    static TenantsFileWatcher start(WorkerConfig config, Consumer<List<TenantConfig>> apply, WorkerMetrics metrics,
                                    ScheduledExecutorService timers) {
        if (config.tenantsFile() == null) {
            return null;
        }
        TenantsFileWatcher watcher = new TenantsFileWatcher(config.tenantsFile(), apply, metrics);
        watcher.check();
        long every = config.configCheckInterval().toMillis();
        timers.scheduleWithFixedDelay(watcher::check, every, every, TimeUnit.MILLISECONDS);
        return watcher;
    }

    /** Reads the file and applies it if it changed since the last check. Called on one thread at a time. */
    synchronized void check() {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            content = MISSING;
        } catch (IOException e) {
            // A read racing the symlink swap can fail; the next check sees the settled file.
            LOG.log(Level.FINE, "cannot read tenants file " + file + ": " + e.getClass().getSimpleName());
            return;
        }
        byte[] digest = sha256(content);
        if (Arrays.equals(digest, lastDigest)) {
            return;
        }
        lastDigest = digest;
        if (content == MISSING) {
            // The pool's Secret is optional and does not exist until its first tenant: no file, no tenants.
            settled = true;
            metrics.configError();
            LOG.warning("tenants file " + file + " is missing; keeping the current tenants");
            return;
        }
        List<TenantConfig> tenants;
        try {
            tenants = TenantsFileParser.parse(content);
        } catch (TenantsFileParser.InvalidTenantsFileException e) {
            metrics.configError();
            LOG.warning("tenants file " + file + " rejected, keeping the current tenants: " + e.getMessage());
            return;
        }
        apply.accept(tenants);
        settled = true;
        metrics.configReloaded();
        LOG.info("tenants file " + file + " loaded: " + tenants.size() + " tenant(s)");
    }

    /**
     * Whether the worker knows its tenants: a file was applied, or there was no file at all. Stays false while
     * only unusable files were seen, so a worker started on a broken file never turns ready.
     */
    @Override
    public boolean settled() {
        return settled;
    }

    @Override
    public java.util.Map<String, String> applied() {
        return java.util.Map.of();
    }

    /** Nothing to release: its checks run on the runtime's timer, which the runtime stops. */
    @Override
    public void close() {
    }

    private static byte[] sha256(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
