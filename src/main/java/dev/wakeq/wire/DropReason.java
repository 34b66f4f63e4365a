package dev.wakeq.wire;

/** Why a received wake-up was discarded. {@link #tag()} is the value of the {@code reason} meter tag. */
public enum DropReason {
    /** Not {@code WQ1 <I|S> <key>[\n]}: wrong magic or version, unknown kind, bad key characters. */
    MALFORMED("malformed"),
    /** More than {@value WakeCodec#MAX_MESSAGE_BYTES} bytes. */
    OVERSIZED("oversized"),
    /** Well-formed, but no configured tenant has this key (forged, or a tenant just removed). */
    UNKNOWN_TENANT("unknown_tenant"),
    /** A TCP client sent no complete message before the read deadline. */
    TIMEOUT("timeout"),
    /** A TCP connection refused because the concurrent connection limit was reached. */
    OVERLOADED("overloaded");

    private final String tag;

    DropReason(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
