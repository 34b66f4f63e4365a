package dev.wakeq.wire;

import java.util.Objects;
import java.util.regex.Pattern;

/** One wake-up (docs/design.md, "Wire format, version 1"): a kind and the tenant key it is for. */
public record WakeMessage(Kind kind, String tenantKey) {

    /** 1-64 characters of {@code [A-Za-z0-9_.-]}: the operator generates keys in this alphabet. */
    public static final Pattern TENANT_KEY = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    public enum Kind {
        /** A row was inserted (trigger, UDP). */
        INSERT('I'),
        /** Periodic safety net (event, TCP). */
        SWEEP('S');

        private final char code;

        Kind(char code) {
            this.code = code;
        }

        public char code() {
            return code;
        }

        static Kind ofCode(int code) {
            for (Kind k : values()) {
                if (k.code == code) {
                    return k;
                }
            }
            return null;
        }
    }

    public WakeMessage {
        Objects.requireNonNull(kind, "kind");
        if (tenantKey == null || !TENANT_KEY.matcher(tenantKey).matches()) {
            throw new IllegalArgumentException("tenant key must be 1-64 characters of [A-Za-z0-9_.-]");
        }
    }

    public static WakeMessage insert(String tenantKey) {
        return new WakeMessage(Kind.INSERT, tenantKey);
    }

    public static WakeMessage sweep(String tenantKey) {
        return new WakeMessage(Kind.SWEEP, tenantKey);
    }
}
