package dev.wakeq.install;

/**
 * What {@link TenantInstaller#fingerprint} read: a digest of everything a steady-state install looks at, and when
 * the server started. Holds no secret (names and definitions only, digested).
 *
 * @param digest          MD5 over settings, tables, function row, loaded mark, trigger and event
 * @param serverStartedAt the server's start, epoch seconds, from its uptime
 */
public record Fingerprint(String digest, long serverStartedAt) {

    /** Equal digests and start times within a few seconds (computed from whole seconds of uptime): no change. */
    public boolean sameAs(Fingerprint other) {
        return other != null && digest.equals(other.digest) && Math.abs(serverStartedAt - other.serverStartedAt) <= 3;
    }
}
