package dev.wakeq.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a reconcile is worth an Event: the Ready condition changed status or reason, nothing else. */
class OperatorEventsTest {

    private static List<Condition> ready(String status, String reason, String message) {
        return List.of(new ConditionBuilder().withType("Ready").withStatus(status).withReason(reason)
                .withMessage(message).build());
    }

    @Test
    void theFirstReadyConditionIsATransition() {
        assertThat(OperatorEvents.readyTransition(null, ready("False", "NoReadyWorker", "m")))
                .hasValueSatisfying(c -> assertThat(c.getReason()).isEqualTo("NoReadyWorker"));
    }

    @Test
    void aNewStatusOrANewReasonIsATransition() {
        assertThat(OperatorEvents.readyTransition(ready("False", "A", "m"), ready("True", "Installed", "m"))).isPresent();
        assertThat(OperatorEvents.readyTransition(ready("False", "A", "m"), ready("False", "B", "m"))).isPresent();
    }

    @Test
    void theSameFailureRetriedIsNoTransitionEvenWithAnotherMessage() {
        assertThat(OperatorEvents.readyTransition(ready("False", "A", "first"), ready("False", "A", "second")))
                .isEmpty();
        assertThat(OperatorEvents.readyTransition(ready("True", "Installed", "m"), List.of())).isEmpty();
    }
}
