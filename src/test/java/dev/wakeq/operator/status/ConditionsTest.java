package dev.wakeq.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {

    private static final Clock T0 = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private static final Clock T1 = Clock.fixed(Instant.parse("2026-01-01T01:00:00Z"), ZoneOffset.UTC);

    @Test
    void keepsTransitionTimeWhileStatusStaysAndStampsGeneration() {
        List<Condition> first = Conditions.from(null, 1L, T0).set("Ready", true, "Installed", "ok").build();
        List<Condition> second = Conditions.from(first, 2L, T1).set("Ready", true, "Installed", "still ok").build();
        assertThat(second.get(0).getLastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(second.get(0).getObservedGeneration()).isEqualTo(2L);
        assertThat(second.get(0).getMessage()).isEqualTo("still ok");
    }

    @Test
    void neverEmitsNullOrEmptyStringsTheApiServerWouldRefuse() {
        List<Condition> c = Conditions.from(null, 1L, T0).set("Ready", true, "Installed", "")
                .set("Other", "Unknown", null, null).build();
        assertThat(c).allSatisfy(x -> {
            assertThat(x.getReason()).isNotBlank();
            assertThat(x.getMessage()).isNotBlank();
        });
        assertThat(c).extracting(Condition::getMessage).containsExactly("Unknown", "Installed");
    }

    @Test
    void keepUnsetCarriesWhatThisReconcileDidNotSetAndLetsItOverrideTheRest() {
        List<Condition> first = Conditions.from(null, 1L, T0).set("TriggerInstalled", true, "Installed", "ok")
                .set("Ready", true, "Installed", "ok").build();
        List<Condition> second = Conditions.from(first, 1L, T1).set("Ready", false, "WorkersCatchingUp", "wait")
                .keepUnset().build();
        assertThat(second).extracting(Condition::getType).containsExactly("Ready", "TriggerInstalled");
        assertThat(second.get(0).getReason()).isEqualTo("WorkersCatchingUp");
        assertThat(second.get(1).getLastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z");
    }

    @Test
    void changesTransitionTimeWhenStatusFlips() {
        List<Condition> first = Conditions.from(null, 1L, T0).set("Ready", true, "Installed", "ok").build();
        List<Condition> second = Conditions.from(first, 1L, T1)
                .set("Ready", false, "UdfLibraryMissing", "copy the library").build();
        assertThat(second.get(0).getLastTransitionTime()).isEqualTo("2026-01-01T01:00:00Z");
        assertThat(second.get(0).getReason()).isEqualTo("UdfLibraryMissing");
    }

    @Test
    void sortedByTypeSoUnchangedStatusIsEqual() {
        List<Condition> a = Conditions.from(null, 1L, T0).set("TriggerInstalled", true, "Installed", "")
                .set("EventInstalled", true, "Installed", "").build();
        List<Condition> b = Conditions.from(a, 1L, T1).set("EventInstalled", true, "Installed", "")
                .set("TriggerInstalled", true, "Installed", "").build();
        assertThat(a).isEqualTo(b);
        assertThat(Conditions.same(a, b)).isTrue();
        assertThat(a.get(0).getType()).isEqualTo("EventInstalled");
    }

    @Test
    void firstNotTrueFindsTheBlocker() {
        Conditions c = Conditions.from(null, 1L, T0).set("DatabaseReachable", true, "Connected", "")
                .set("TriggerInstalled", false, "MissingPrivilege", "grant TRIGGER");
        assertThat(c.allTrue()).isFalse();
        assertThat(c.firstNotTrue().getReason()).isEqualTo("MissingPrivilege");
    }
}
