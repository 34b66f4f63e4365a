package dev.wakeq.install;

import java.util.Objects;

/**
 * Something the user must act on: a searchable {@link Reason} and a message that says what is wrong and what to
 * do. Messages never contain the password.
 *
 * @param reason     the searchable reason
 * @param message    what is wrong and what to do
 * @param vendorCode the server's error code, or 0 when the problem was found without an error
 */
public record Problem(Reason reason, String message, int vendorCode) {

    public Problem {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
    }

    static Problem of(Reason reason, String message) {
        return new Problem(reason, message, 0);
    }

    @Override
    public String toString() {
        return reason + ": " + message + (vendorCode == 0 ? "" : " (error " + vendorCode + ")");
    }
}
