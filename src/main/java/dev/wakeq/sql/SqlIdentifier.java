package dev.wakeq.sql;

import java.util.regex.Pattern;

/**
 * A schema, table, trigger, event or function name that has been checked against a strict pattern and is only
 * ever written into SQL quoted. User input reaches SQL as an identifier only through this type.
 */
public record SqlIdentifier(String name) {

    /**
     * Letters, digits, underscore and (after the first character) hyphen, at most 64 characters: what MySQL
     * allows unquoted plus the hyphen common in schema names. No backtick, quote, space, dot or semicolon.
     */
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_-]{0,63}");

    public SqlIdentifier {
        if (name == null || !VALID.matcher(name).matches()) {
            throw new InvalidIdentifierException("identifier", name);
        }
    }

    /** Validates {@code name}; {@code what} names the field in the error ("queue table", "schema"). */
    public static SqlIdentifier of(String what, String name) {
        if (name == null || !VALID.matcher(name).matches()) {
            throw new InvalidIdentifierException(what, name);
        }
        return new SqlIdentifier(name);
    }

    /** The name in backticks, safe to place in a statement. */
    public String quoted() {
        return "`" + name + "`";
    }

    @Override
    public String toString() {
        return name;
    }

    /** Thrown before any SQL runs when a name does not match the pattern. */
    public static final class InvalidIdentifierException extends IllegalArgumentException {
        private final String field;
        private final String problem;

        InvalidIdentifierException(String field, String value) {
            super(field + " " + problemOf(value));
            this.field = field;
            this.problem = problemOf(value);
        }

        private static String problemOf(String value) {
            return describe(value) + " is not a valid identifier: use 1-64 characters of letters, digits, '_' and '-' "
                    + "(not first)";
        }

        /** What is wrong with the value, without the field's name. */
        public String problem() {
            return problem;
        }

        /** Which field was wrong, e.g. "queue table". */
        public String field() {
            return field;
        }

        private static String describe(String value) {
            if (value == null) {
                return "(missing)";
            }
            // Show enough to find the mistake without echoing a long hostile string back in full.
            String shown = value.length() > 80 ? value.substring(0, 80) + "..." : value;
            return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'";
        }
    }
}
