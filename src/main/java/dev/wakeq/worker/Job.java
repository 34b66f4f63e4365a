package dev.wakeq.worker;

/**
 * One job handed to a {@link JobHandler}.
 *
 * @param tenant   the tenant's name from the tenants file ({@code namespace/tenant})
 * @param id       the queue row's id; the same job delivered twice (see docs/worker.md) has the same id
 * @param payload  the row's {@code payload} column, unchanged
 * @param attempts this attempt's number, starting at 1
 */
public record Job(String tenant, long id, String payload, int attempts) {
}
