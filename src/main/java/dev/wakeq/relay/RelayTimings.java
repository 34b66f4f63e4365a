package dev.wakeq.relay;

import java.time.Duration;
import java.util.Objects;

/**
 * How often a relay sweeps and how it reconnects (docs/relay.md, "Settings").
 *
 * @param sweepInterval  every tenant gets a sweep wake-up this often (and whenever a stream starts): the
 *                       longest an insert waits if its wake-up is lost, like the trigger source's event
 * @param heartbeat      the server sends a heartbeat after this much silence; three missed ones cut the stream
 * @param connectTimeout for the stream and the preflight connection, and for each sweep's TCP connection
 * @param minRetry       first wait after a failed or ended stream; doubles per failure
 * @param maxRetry       cap of that wait
 */
public record RelayTimings(Duration sweepInterval, Duration heartbeat, Duration connectTimeout, Duration minRetry,
                           Duration maxRetry) {

    public static final RelayTimings DEFAULTS = new RelayTimings(Duration.ofMinutes(5), Duration.ofSeconds(5),
            Duration.ofSeconds(5), Duration.ofMillis(500), Duration.ofSeconds(30));

    public RelayTimings {
        Objects.requireNonNull(sweepInterval, "sweepInterval");
        Objects.requireNonNull(heartbeat, "heartbeat");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(minRetry, "minRetry");
        Objects.requireNonNull(maxRetry, "maxRetry");
        if (sweepInterval.toMillis() < 1 || heartbeat.toMillis() < 1 || connectTimeout.toMillis() < 1
                || minRetry.toMillis() < 1 || maxRetry.compareTo(minRetry) < 0) {
            throw new IllegalArgumentException("need positive intervals and minRetry <= maxRetry");
        }
    }

    public RelayTimings withSweepInterval(Duration v) {
        return new RelayTimings(v, heartbeat, connectTimeout, minRetry, maxRetry);
    }
}
