package dev.wakeq.relay;

import java.time.Instant;
import java.util.Objects;

/**
 * Whether the relay streams its server's binary log, and if not, why: a searchable problem and a message that
 * says what to do. Messages never carry the password.
 *
 * @param streaming true while events arrive from the server
 * @param problem   null while streaming
 * @param message   what is wrong and what to do; "streaming from host:port" while streaming
 * @param since     when this status began
 */
public record RelayStatus(boolean streaming, RelayProblem problem, String message, Instant since) {

    public RelayStatus {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(since, "since");
        if (streaming != (problem == null)) {
            throw new IllegalArgumentException("a status is either streaming or has a problem");
        }
    }

    static RelayStatus streaming(String address) {
        return new RelayStatus(true, null, "streaming the binary log of " + address, Instant.now());
    }

    static RelayStatus problem(RelayProblem problem, String message) {
        return new RelayStatus(false, problem, message, Instant.now());
    }

    @Override
    public String toString() {
        return streaming ? message : problem + ": " + message;
    }
}
