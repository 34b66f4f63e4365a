package dev.wakeq.install;

/**
 * A {@link TenantSpec} field is wrong. Thrown while the spec is built, so no connection is opened and no
 * statement is sent. The message names the field and never contains the password.
 */
public final class InvalidSpecException extends IllegalArgumentException {

    private final String field;

    InvalidSpecException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    /** The field that was wrong, e.g. "queueTable", "wakeHost". */
    public String field() {
        return field;
    }
}
