package dev.wakeq.operator.tenant;

import java.security.SecureRandom;

/**
 * Tenant keys name a tenant in wake-up messages. They are random (not derived from public names or UIDs), so a
 * sender that does not know a key cannot wake that tenant; they are kept only in the pool's Secret.
 */
final class TenantKeys {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private TenantKeys() {
    }

    /** 24 characters of [a-z0-9]: about 124 bits, within the wire format's 64-character key limit. */
    static String newKey() {
        char[] key = new char[24];
        for (int i = 0; i < key.length; i++) {
            key[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(key);
    }
}
