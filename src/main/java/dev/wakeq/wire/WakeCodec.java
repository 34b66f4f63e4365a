package dev.wakeq.wire;

import java.nio.charset.StandardCharsets;

/**
 * Encodes and decodes wire format v1: {@code WQ1 <I|S> <tenant-key>} with an optional trailing {@code \n}.
 * The decoder is strict and allocation-light because it runs for every datagram, including hostile ones.
 */
public final class WakeCodec {

    /** Larger datagrams or TCP messages are dropped as {@link DropReason#OVERSIZED}. */
    public static final int MAX_MESSAGE_BYTES = 128;

    private static final byte[] MAGIC = "WQ1 ".getBytes(StandardCharsets.US_ASCII);
    /** Magic, kind, space: where the key starts. */
    private static final int KEY_OFFSET = MAGIC.length + 2;
    private static final int MAX_KEY_LENGTH = 64;

    private WakeCodec() {
    }

    /** The message as one line, newline included: what the database function sends. */
    public static byte[] encode(WakeMessage message) {
        return ("WQ1 " + message.kind().code() + " " + message.tenantKey() + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    public static Decoded decode(byte[] bytes) {
        return decode(bytes, 0, bytes.length);
    }

    public static Decoded decode(byte[] buf, int offset, int length) {
        if (length > MAX_MESSAGE_BYTES) {
            return new Decoded.Dropped(DropReason.OVERSIZED);
        }
        int end = offset + length;
        if (length > 0 && buf[end - 1] == '\n') {
            end--;
        }
        if (end - offset <= KEY_OFFSET) {
            return malformed();
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (buf[offset + i] != MAGIC[i]) {
                return malformed();
            }
        }
        WakeMessage.Kind kind = WakeMessage.Kind.ofCode(buf[offset + MAGIC.length]);
        if (kind == null || buf[offset + MAGIC.length + 1] != ' ') {
            return malformed();
        }
        int keyStart = offset + KEY_OFFSET;
        int keyLength = end - keyStart;
        if (keyLength > MAX_KEY_LENGTH) {
            return malformed();
        }
        for (int i = keyStart; i < end; i++) {
            if (!isKeyByte(buf[i])) {
                return malformed();
            }
        }
        String key = new String(buf, keyStart, keyLength, StandardCharsets.US_ASCII);
        return new Decoded.Message(new WakeMessage(kind, key));
    }

    private static boolean isKeyByte(byte b) {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
                || b == '_' || b == '.' || b == '-';
    }

    private static Decoded malformed() {
        return new Decoded.Dropped(DropReason.MALFORMED);
    }
}
