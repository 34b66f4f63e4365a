package dev.wakeq.install;

/**
 * What the installer found and did for one database object.
 *
 * @param kind   which object
 * @param name   its name as the server knows it (unquoted; tables and events without the schema)
 * @param found  its state before this run
 * @param action what this run did to it
 * @param detail a short human explanation, e.g. which property differed
 */
public record ObjectReport(Kind kind, String name, Found found, Action action, String detail) {

    public enum Kind { FUNCTION, FUNCTION_LOADED, OLD_FUNCTION, QUEUE_TABLE, DEAD_LETTER_TABLE, TRIGGER, EVENT }

    /** State before the run. {@code UNKNOWN} when it could not be read (see the report's problems). */
    public enum Found { ABSENT, CURRENT, OUTDATED, UNKNOWN }

    /** {@code SKIPPED}: a change was needed but not made (a problem explains why, or it was an inspection). */
    public enum Action { NONE, CREATED, REPLACED, ALTERED, DROPPED, SKIPPED }

    /** True when the object is as desired after the run. */
    public boolean desiredAfterRun() {
        return switch (action) {
            case CREATED, REPLACED, ALTERED -> true;
            case NONE -> found == Found.CURRENT;
            case DROPPED, SKIPPED -> false;
        };
    }

    @Override
    public String toString() {
        return kind + " " + name + ": found " + found + ", " + action + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
}
