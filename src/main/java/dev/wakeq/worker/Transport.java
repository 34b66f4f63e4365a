package dev.wakeq.worker;

/** How a wake-up arrived; {@link #tag()} is the {@code protocol} meter tag. */
public enum Transport {
    UDP("udp"),
    TCP("tcp");

    private final String tag;

    Transport(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
