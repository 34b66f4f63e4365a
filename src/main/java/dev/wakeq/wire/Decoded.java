package dev.wakeq.wire;

/** What {@link WakeCodec#decode} made of some bytes: a message, or the reason they were dropped. */
public sealed interface Decoded {

    record Message(WakeMessage message) implements Decoded {
    }

    record Dropped(DropReason reason) implements Decoded {
    }
}
