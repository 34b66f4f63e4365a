package dev.wakeq.queue;

/**
 * A job this worker claimed. {@code attempts} counts this attempt; {@code claimToken} is what the row's
 * {@code claimed_by} holds while the claim is ours, so a later statement can prove the lease was not taken over.
 */
public record QueueRow(long id, String payload, int attempts, String claimToken) {
}
