package dev.wakeq.operator.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wakeq.worker.WorkerReport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerAcksTest {

    private static final PoolRegistry.Written WRITTEN = new PoolRegistry.Written("p-tenants-3", "120", TenantsFile.empty());

    private static WorkerReport report(boolean ready, Map<String, String> shards) {
        return new WorkerReport("w", ready, 1, 0, 0, 0, Map.of(), 0, shards);
    }

    @Test
    void everyReadyWorkerMustHaveTheShardAtThatVersionOrLater() {
        assertThat(WorkerAcks.confirms(List.of(report(true, Map.of("p-tenants-3", "120")),
                report(true, Map.of("p-tenants-3", "131"))), WRITTEN)).isTrue();
        assertThat(WorkerAcks.confirms(List.of(report(true, Map.of("p-tenants-3", "120")),
                report(true, Map.of("p-tenants-3", "119"))), WRITTEN)).isFalse();
        // A worker that has no shard yet (it was ready before the pool's first tenant) does not know the tenant.
        assertThat(WorkerAcks.confirms(List.of(report(true, Map.of())), WRITTEN)).isFalse();
    }

    @Test
    void aWorkerNotReadyYetIsNotWaitedForAndNoWorkerMeansNothingToWaitFor() {
        assertThat(WorkerAcks.confirms(List.of(report(false, Map.of())), WRITTEN)).isTrue();
        assertThat(WorkerAcks.confirms(List.of(), WRITTEN)).isTrue();
    }

    @Test
    void versionsThatAreNotNumbersOnlyMatchThemselves() {
        assertThat(WorkerAcks.atLeast("abc", "abc")).isTrue();
        assertThat(WorkerAcks.atLeast("abd", "abc")).isFalse();
        assertThat(WorkerAcks.atLeast(null, "5")).isFalse();
        assertThat(WorkerAcks.atLeast(null, null)).isTrue();
    }
}
