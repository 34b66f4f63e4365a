package dev.wakeq.operator.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wakeq.operator.crd.HandlerSpec;
import dev.wakeq.operator.crd.WorkerPool;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The pool's lease reaches its workers as WAKEQ_LEASE_SECONDS, and when the pool does not set one it is always above
 * the handler timeout: a worker refuses to start with a timeout at or above its lease (issue 16).
 */
class WorkerLeaseEnvTest {

    @Test
    void anUnsetLeaseIsSixtySecondsOrTheTimeoutPlusThirty() {
        WorkerPool pool = PoolDesiredStateTest.pool("p");
        assertThat(env(pool)).contains("WAKEQ_LEASE_SECONDS=60", "WAKEQ_HANDLER_TIMEOUT_SECONDS=30");
        pool.getSpec().getHandler().setTimeoutSeconds(300);
        assertThat(env(pool)).contains("WAKEQ_LEASE_SECONDS=330", "WAKEQ_HANDLER_TIMEOUT_SECONDS=300");
    }

    @Test
    void aLeaseThePoolSetsIsPassedAsIs() {
        WorkerPool pool = PoolDesiredStateTest.pool("p");
        HandlerSpec handler = pool.getSpec().getHandler();
        handler.setLeaseSeconds(600);
        assertThat(env(pool)).contains("WAKEQ_LEASE_SECONDS=600");
    }

    private static List<String> env(WorkerPool pool) {
        return WorkerDeploymentDependent.desired(pool).getSpec().getTemplate().getSpec().getContainers().get(0)
                .getEnv().stream().map(e -> e.getName() + "=" + e.getValue()).toList();
    }
}
