package dev.wakeq.worker;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * Settings of a {@link WorkerRuntime}; {@link #builder()} starts from the defaults. Why each default is what it
 * is: docs/worker.md, "Settings".
 *
 * @param bindAddress        where the listeners bind
 * @param port               UDP and TCP port for wake-ups; 0 picks a free one (tests)
 * @param tenantsFile        the tenants file to load and watch; null when tenants are set in code
 * @param configCheckInterval how often the tenants file is re-read
 * @param idleTimeout        an active poller stops after the queue has been empty this long
 * @param minPollInterval    the least time between two claim queries of one tenant (unless the last found jobs)
 * @param maxPollInterval    the longest wait between claim queries while a poller is active
 * @param commitPollInterval after a wake-up, the wait before the first claim query and between queries until the
 *                           row shows: the trigger fires before its transaction commits
 * @param commitWindow       how long after a wake-up the poller keeps that quick interval
 * @param batchSize          jobs claimed per query, and the most one tenant has in flight
 * @param handlerThreads     jobs handled at once, across all tenants
 * @param lease              how long a claim is valid; a job still claimed after it can be claimed again
 * @param maxAttempts        attempts before a job is dead-lettered
 * @param retryBackoff       wait before the second attempt; doubles per attempt
 * @param maxRetryBackoff    cap of that wait
 * @param shutdownGrace      how long {@link WorkerRuntime#close()} waits for running jobs
 * @param shutdownDelay      how long {@link WorkerRuntime#close()} keeps taking wake-ups while no longer ready, so
 *                           those sent before the Service dropped this worker are still served
 * @param tcpReadTimeout     the most a TCP client may take to send its message
 * @param maxTcpConnections  TCP wake-up connections served at once; more are closed at once
 * @param connectTimeout     JDBC connect timeout (unless the tenant's URL sets {@code connectTimeout})
 * @param socketTimeout      JDBC socket timeout (unless the tenant's URL sets {@code socketTimeout})
 * @param workerId           written into {@code claimed_by} (with a claim counter): who holds a lease
 * @param stateDir           where the worker keeps the tenants it has jobs in flight for, so that a restart after
 *                           a crash sweeps them at once ({@link InFlightJournal}); null keeps none
 */
public record WorkerConfig(InetAddress bindAddress, int port, Path tenantsFile, Duration configCheckInterval,
                           Duration idleTimeout, Duration minPollInterval, Duration maxPollInterval,
                           Duration commitPollInterval, Duration commitWindow, int batchSize, int handlerThreads, Duration lease, int maxAttempts,
                           Duration retryBackoff, Duration maxRetryBackoff, Duration shutdownGrace,
                           Duration shutdownDelay, Duration tcpReadTimeout, int maxTcpConnections, Duration connectTimeout,
                           Duration socketTimeout, String workerId, Path stateDir) {

    public static final int DEFAULT_PORT = 8686;

    public WorkerConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(workerId, "workerId");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535");
        }
        if (batchSize < 1 || handlerThreads < 1 || maxAttempts < 1 || maxTcpConnections < 1) {
            throw new IllegalArgumentException("batchSize, handlerThreads, maxAttempts, maxTcpConnections must be >= 1");
        }
        if (minPollInterval.compareTo(maxPollInterval) > 0 || minPollInterval.isNegative()) {
            throw new IllegalArgumentException("need 0 <= minPollInterval <= maxPollInterval");
        }
        if (shutdownGrace.isNegative() || shutdownDelay.isNegative()) {
            throw new IllegalArgumentException("need 0 <= shutdownGrace, 0 <= shutdownDelay");
        }
        if (commitPollInterval.isNegative() || commitPollInterval.compareTo(minPollInterval) > 0
                || commitWindow.isNegative()) {
            throw new IllegalArgumentException("need 0 <= commitPollInterval <= minPollInterval, 0 <= commitWindow");
        }
        // claimed_by is VARCHAR(128): leave room for ':' and the claim counter.
        if (workerId.isEmpty() || workerId.length() > 100) {
            throw new IllegalArgumentException("workerId must be 1-100 characters");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Mutable defaults-first construction of a {@link WorkerConfig}. */
    public static final class Builder {
        // All interfaces: the senders are database servers on other hosts.
        private InetAddress bindAddress = new java.net.InetSocketAddress(0).getAddress();
        private int port = DEFAULT_PORT;
        private Path tenantsFile;
        private Duration configCheckInterval = Duration.ofSeconds(1);
        private Duration idleTimeout = Duration.ofSeconds(10);
        private Duration minPollInterval = Duration.ofMillis(5);
        private Duration maxPollInterval = Duration.ofSeconds(1);
        private Duration commitPollInterval = Duration.ofNanos(250_000);
        private Duration commitWindow = Duration.ofMillis(10);
        private int batchSize = 10;
        private int handlerThreads = 16;
        private Duration lease = Duration.ofSeconds(60);
        private int maxAttempts = 5;
        private Duration retryBackoff = Duration.ofSeconds(1);
        private Duration maxRetryBackoff = Duration.ofMinutes(5);
        private Duration shutdownGrace = Duration.ofSeconds(20);
        // Embedded use has no Service in front; WorkerMain sets the container's delay.
        private Duration shutdownDelay = Duration.ZERO;
        private Duration tcpReadTimeout = Duration.ofSeconds(1);
        private int maxTcpConnections = 32;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration socketTimeout = Duration.ofSeconds(30);
        private String workerId = defaultWorkerId();
        private Path stateDir;

        private Builder() {
        }

        private Builder(WorkerConfig c) {
            bindAddress = c.bindAddress;
            port = c.port;
            tenantsFile = c.tenantsFile;
            configCheckInterval = c.configCheckInterval;
            idleTimeout = c.idleTimeout;
            minPollInterval = c.minPollInterval;
            maxPollInterval = c.maxPollInterval;
            commitPollInterval = c.commitPollInterval;
            commitWindow = c.commitWindow;
            batchSize = c.batchSize;
            handlerThreads = c.handlerThreads;
            lease = c.lease;
            maxAttempts = c.maxAttempts;
            retryBackoff = c.retryBackoff;
            maxRetryBackoff = c.maxRetryBackoff;
            shutdownGrace = c.shutdownGrace;
            shutdownDelay = c.shutdownDelay;
            tcpReadTimeout = c.tcpReadTimeout;
            maxTcpConnections = c.maxTcpConnections;
            connectTimeout = c.connectTimeout;
            socketTimeout = c.socketTimeout;
            workerId = c.workerId;
            stateDir = c.stateDir;
        }

        public Builder bindAddress(InetAddress v) { bindAddress = v; return this; }
        public Builder port(int v) { port = v; return this; }
        public Builder tenantsFile(Path v) { tenantsFile = v; return this; }
        public Builder configCheckInterval(Duration v) { configCheckInterval = v; return this; }
        public Builder idleTimeout(Duration v) { idleTimeout = v; return this; }
        public Builder minPollInterval(Duration v) { minPollInterval = v; return this; }
        public Builder maxPollInterval(Duration v) { maxPollInterval = v; return this; }
        public Builder commitPollInterval(Duration v) { commitPollInterval = v; return this; }
        public Builder commitWindow(Duration v) { commitWindow = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder handlerThreads(int v) { handlerThreads = v; return this; }
        public Builder lease(Duration v) { lease = v; return this; }
        public Builder maxAttempts(int v) { maxAttempts = v; return this; }
        public Builder retryBackoff(Duration v) { retryBackoff = v; return this; }
        public Builder maxRetryBackoff(Duration v) { maxRetryBackoff = v; return this; }
        public Builder shutdownGrace(Duration v) { shutdownGrace = v; return this; }
        public Builder shutdownDelay(Duration v) { shutdownDelay = v; return this; }
        public Builder tcpReadTimeout(Duration v) { tcpReadTimeout = v; return this; }
        public Builder maxTcpConnections(int v) { maxTcpConnections = v; return this; }
        public Builder connectTimeout(Duration v) { connectTimeout = v; return this; }
        public Builder socketTimeout(Duration v) { socketTimeout = v; return this; }
        public Builder workerId(String v) { workerId = v; return this; }
        public Builder stateDir(Path v) { stateDir = v; return this; }

        public WorkerConfig build() {
            return new WorkerConfig(bindAddress, port, tenantsFile, configCheckInterval, idleTimeout,
                    minPollInterval, maxPollInterval, commitPollInterval, commitWindow, batchSize, handlerThreads,
                    lease, maxAttempts, retryBackoff, maxRetryBackoff, shutdownGrace, shutdownDelay, tcpReadTimeout,
                    maxTcpConnections, connectTimeout, socketTimeout, workerId, stateDir);
        }

        private static String defaultWorkerId() {
            // In a pod HOSTNAME is the pod name: an operator reading claimed_by can tell which pod holds a job.
            String host = System.getenv().getOrDefault("HOSTNAME", "worker");
            String id = host + "-" + UUID.randomUUID().toString().substring(0, 8);
            return id.length() > 100 ? id.substring(id.length() - 100) : id;
        }
    }
}
