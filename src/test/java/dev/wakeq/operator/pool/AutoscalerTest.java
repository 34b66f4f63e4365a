package dev.wakeq.operator.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wakeq.operator.crd.ScalingSpec;
import dev.wakeq.operator.crd.WorkerPool;
import dev.wakeq.worker.WorkerReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The autoscaler's decisions, driven by reports and a clock of its own. */
class AutoscalerTest {

    private final Autoscaler autoscaler = new Autoscaler();
    private WorkerPool pool;
    private Instant now = Instant.parse("2026-12-01T06:00:00Z");

    @BeforeEach
    void pool() {
        pool = PoolDesiredStateTest.pool("p");
        pool.getSpec().setMinReplicas(1);
        pool.getSpec().setMaxReplicas(5);
        pool.getSpec().getScaling().setScaleDownStabilizationSeconds(60);
    }

    private static WorkerReport worker(String id, int busy, double busySeconds, int pollers) {
        return new WorkerReport(id, true, 16, busy, busySeconds, pollers, Map.of(), 0, Map.of());
    }

    private Autoscaler.Decision decide(int current, WorkerReport... reports) {
        return autoscaler.decide(pool, current, List.of(reports), 0, now);
    }

    @Test
    void anIdlePoolStaysAtItsMinimum() {
        Autoscaler.Decision d = decide(1, worker("w1", 0, 0, 0));
        assertThat(d.target()).isEqualTo(1);
        assertThat(d.reason()).isEqualTo(Autoscaler.Reason.Idle);
        assertThat(d.message()).contains("0.0 of 16 handler threads busy", "0 tenant(s) polling");
    }

    @Test
    void busyThreadsAddWorkersAtOnceUpToTheMaximum() {
        // 16 of 16 busy: 16 / (16 * 0.6) = 1.7, so 2 workers.
        Autoscaler.Decision up = decide(1, worker("w1", 16, 0, 4));
        assertThat(up.target()).isEqualTo(2);
        assertThat(up.reason()).isEqualTo(Autoscaler.Reason.ScaleUp);

        now = now.plusSeconds(15);
        // 48 busy: 5 workers, exactly the maximum.
        assertThat(decide(2, worker("w1", 16, 0, 4), worker("w2", 16, 0, 4), worker("w3", 16, 0, 4)).target())
                .isEqualTo(5);
        now = now.plusSeconds(15);
        Autoscaler.Decision capped = decide(5, worker("w1", 16, 0, 4), worker("w2", 16, 0, 4), worker("w3", 16, 0, 4),
                worker("w4", 16, 0, 4), worker("w5", 16, 0, 4));
        assertThat(capped.target()).isEqualTo(5);
        assertThat(capped.reason()).isEqualTo(Autoscaler.Reason.AtMaximum);
        assertThat(capped.message()).contains("capped at maxReplicas 5");
    }

    @Test
    void busyTimeBetweenReportsCountsJobsThatEndedBeforeTheReport() {
        // No slot busy at either report, but 20 s of handler time in 2 s: ten threads' worth.
        decide(1, worker("w1", 0, 100, 1));
        now = now.plusSeconds(2);
        Autoscaler.Decision d = decide(1, worker("w1", 0, 120, 1));
        assertThat(d.target()).isEqualTo(2);
        assertThat(d.message()).startsWith("10.0 of 16");
    }

    @Test
    void downOnlyAfterTheWindowHasSeenNoHigherNeed() {
        assertThat(decide(2, worker("w1", 16, 0, 2), worker("w2", 0, 0, 0)).target()).isEqualTo(2);
        List<Autoscaler.Decision> quiet = new ArrayList<>();
        for (int s = 10; s <= 60; s += 10) {
            now = now.plusSeconds(10);
            quiet.add(decide(2, worker("w1", 0, 0, 0), worker("w2", 0, 0, 0)));
        }
        assertThat(quiet).allSatisfy(d -> assertThat(d.target()).as(d.message()).isEqualTo(2));
        now = now.plusSeconds(10);
        Autoscaler.Decision down = decide(2, worker("w1", 0, 0, 0), worker("w2", 0, 0, 0));
        assertThat(down.target()).isEqualTo(1);
        assertThat(down.reason()).isEqualTo(Autoscaler.Reason.Idle);
    }

    @Test
    void aPoolCreatedAgainUnderTheSameNameWatchesItsOwnWindow() {
        pool.getMetadata().setUid("first");
        decide(4, worker("w1", 0, 0, 0));
        now = now.plusSeconds(61);
        pool.getMetadata().setUid("second");
        Autoscaler.Decision d = decide(4, worker("w1", 0, 0, 0));
        assertThat(d.target()).isEqualTo(4);
        assertThat(d.reason()).isEqualTo(Autoscaler.Reason.Stabilizing);
    }

    @Test
    void aDeletedPoolIsForgotten() {
        decide(4, worker("w1", 0, 0, 0));
        now = now.plusSeconds(61);
        autoscaler.retainOnly(List.of());
        // Forgotten: as for a new operator, a whole window must pass again before a worker goes.
        assertThat(decide(4, worker("w1", 0, 0, 0)).reason()).isEqualTo(Autoscaler.Reason.Stabilizing);
        autoscaler.retainOnly(List.of(pool));
        now = now.plusSeconds(61);
        assertThat(decide(4, worker("w1", 0, 0, 0)).target()).isEqualTo(1);
    }

    @Test
    void aNewOperatorWatchesAWholeWindowBeforeItRemovesAWorker() {
        Autoscaler.Decision first = decide(4, worker("w1", 0, 0, 0));
        assertThat(first.target()).isEqualTo(4);
        assertThat(first.reason()).isEqualTo(Autoscaler.Reason.Stabilizing);
        assertThat(first.message()).contains("after 60 s of such load");
        now = now.plusSeconds(61);
        assertThat(decide(4, worker("w1", 0, 0, 0)).target()).isEqualTo(1);
    }

    @Test
    void aPoolAtZeroStartsAWorkerForAWaitingWakeUpAndReturnsToZeroWhenIdle() {
        pool.getSpec().setMinReplicas(0);
        Autoscaler.Decision idle = autoscaler.decide(pool, 0, List.of(), 0, now);
        assertThat(idle.target()).isZero();
        assertThat(idle.reason()).isEqualTo(Autoscaler.Reason.Idle);

        now = now.plusSeconds(1);
        Autoscaler.Decision wake = autoscaler.decide(pool, 0, List.of(), 1, now);
        assertThat(wake.target()).isEqualTo(1);
        assertThat(wake.reason()).isEqualTo(Autoscaler.Reason.WakeAtZero);

        // The worker is starting and the wake-up still waits: keep it.
        now = now.plusSeconds(2);
        assertThat(autoscaler.decide(pool, 1, List.of(worker("w1", 0, 0, 0)), 1, now).target()).isEqualTo(1);
        // Done and idle: back to zero only after the window.
        now = now.plusSeconds(30);
        assertThat(decide(1, worker("w1", 0, 0, 0)).target()).isEqualTo(1);
        now = now.plusSeconds(61);
        Autoscaler.Decision down = decide(1, worker("w1", 0, 0, 0));
        assertThat(down.target()).isZero();
        assertThat(down.reason()).isEqualTo(Autoscaler.Reason.Idle);
    }

    @Test
    void noReportsKeepTheCurrentCount() {
        Autoscaler.Decision d = decide(3);
        assertThat(d.target()).isEqualTo(3);
        assertThat(d.reason()).isEqualTo(Autoscaler.Reason.NoReports);
    }

    @Test
    void externalModeLeavesItToSpecReplicas() {
        pool.getSpec().getScaling().setMode(ScalingSpec.Mode.External);
        pool.getSpec().setReplicas(4);
        Autoscaler.Decision d = decide(1, worker("w1", 16, 0, 9));
        assertThat(d.target()).isEqualTo(4);
        assertThat(d.reason()).isEqualTo(Autoscaler.Reason.External);
    }

    @Test
    void pollingTenantsWithoutBusyThreadsKeepTheMinimumButAreNotIdle() {
        Autoscaler.Decision d = decide(1, worker("w1", 0, 0, 3));
        assertThat(d.target()).isEqualTo(1);
        assertThat(d.reason()).isEqualTo(Autoscaler.Reason.Steady);
    }
}
