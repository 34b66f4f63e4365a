package dev.wakeq.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WakeCodecTest {

    @Test
    void roundTripsBothKinds() {
        for (WakeMessage m : new WakeMessage[] {WakeMessage.insert("t-1.a_B"), WakeMessage.sweep("k".repeat(64))}) {
            assertThat(WakeCodec.decode(WakeCodec.encode(m))).isEqualTo(new Decoded.Message(m));
        }
    }

    @Test
    void trailingNewlineIsOptional() {
        assertThat(decode("WQ1 I abc")).isEqualTo(new Decoded.Message(WakeMessage.insert("abc")));
        assertThat(decode("WQ1 S abc\n")).isEqualTo(new Decoded.Message(WakeMessage.sweep("abc")));
    }

    @Test
    void decodesASliceOfABuffer() {
        byte[] buf = "xxWQ1 I abc\nyy".getBytes(StandardCharsets.US_ASCII);
        assertThat(WakeCodec.decode(buf, 2, 10)).isEqualTo(new Decoded.Message(WakeMessage.insert("abc")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n", "WQ1", "WQ1 I", "WQ1 I ", "WQ1 I \n", "WQ2 I abc", "wq1 I abc", "WQ1 X abc",
            "WQ1  abc", "WQ1 I  abc", "WQ1 Iabc", "WQ1 I ab c", "WQ1 I abc\n\n", "WQ1 I abc\r\n", "WQ1 I ab/c",
            "WQ1 I ab`c", "WQ1 I abc;DROP", " WQ1 I abc", "WQ1\tI abc", "WQ1 I \u00e9t\u00e9"})
    void rejectsMalformed(String text) {
        assertThat(WakeCodec.decode(text.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new Decoded.Dropped(DropReason.MALFORMED));
    }

    @Test
    void keyLongerThan64IsMalformed() {
        assertThat(decode("WQ1 I " + "k".repeat(65))).isEqualTo(new Decoded.Dropped(DropReason.MALFORMED));
    }

    @Test
    void moreThan128BytesIsOversizedEvenIfOtherwiseValid() {
        String line = "WQ1 I " + "k".repeat(64);
        String padded = line + " ".repeat(WakeCodec.MAX_MESSAGE_BYTES - line.length() + 1);
        assertThat(padded.length()).isEqualTo(129);
        assertThat(decode(padded)).isEqualTo(new Decoded.Dropped(DropReason.OVERSIZED));
        assertThat(WakeCodec.decode(new byte[65_000])).isEqualTo(new Decoded.Dropped(DropReason.OVERSIZED));
    }

    @Test
    void randomGarbageNeverThrowsAndIsNeverAccepted() {
        Random random = new Random(42);
        for (int i = 0; i < 200_000; i++) {
            byte[] junk = new byte[random.nextInt(200)];
            random.nextBytes(junk);
            Decoded d = WakeCodec.decode(junk);
            assertThat(d).isInstanceOf(Decoded.Dropped.class);
        }
    }

    @Test
    void mutationsOfAValidMessageEitherDecodeToValidMessagesOrAreDropped() {
        Random random = new Random(7);
        byte[] valid = WakeCodec.encode(WakeMessage.insert("tenant-key_01"));
        for (int i = 0; i < 100_000; i++) {
            byte[] m = valid.clone();
            int flips = 1 + random.nextInt(3);
            for (int f = 0; f < flips; f++) {
                m[random.nextInt(m.length)] = (byte) random.nextInt(256);
            }
            Decoded d = WakeCodec.decode(m);
            if (d instanceof Decoded.Message msg) {
                // Whatever got through must satisfy the message's own invariants (it was constructed).
                assertThat(msg.message().tenantKey()).matches(WakeMessage.TENANT_KEY);
            }
        }
    }

    @Test
    void messageRejectsInvalidKeys() {
        assertThatThrownBy(() -> WakeMessage.insert("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WakeMessage.insert("a b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WakeMessage.insert(null)).isInstanceOf(IllegalArgumentException.class);
    }

    private static Decoded decode(String s) {
        return WakeCodec.decode(s.getBytes(StandardCharsets.US_ASCII));
    }
}
