package dev.wakeq.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds a status's condition list the Kubernetes way: one entry per type, {@code lastTransitionTime} kept
 * while the status does not change, {@code observedGeneration} stamped on every entry. The only place
 * conditions are made, so every reconciler reports alike.
 */
public final class Conditions {

    public static final String TRUE = "True";
    public static final String FALSE = "False";
    public static final String UNKNOWN = "Unknown";

    private final Map<String, Condition> previous = new LinkedHashMap<>();
    private final Map<String, Condition> next = new LinkedHashMap<>();
    private final long generation;
    private final Clock clock;

    private Conditions(List<Condition> previous, long generation, Clock clock) {
        if (previous != null) {
            previous.forEach(c -> this.previous.put(c.getType(), c));
        }
        this.generation = generation;
        this.clock = clock;
    }

    /** Starts from the conditions currently in status, for the resource's current generation. */
    public static Conditions from(List<Condition> current, Long generation, Clock clock) {
        return new Conditions(current, generation == null ? 0 : generation, clock);
    }

    public Conditions set(String type, boolean ok, String reason, String message) {
        return set(type, ok ? TRUE : FALSE, reason, message);
    }

    public Conditions set(String type, String status, String reason, String message) {
        Condition old = previous.get(type);
        String since = old != null && Objects.equals(old.getStatus(), status) && old.getLastTransitionTime() != null
                ? old.getLastTransitionTime()
                : Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
        String why = reason == null || reason.isEmpty() ? UNKNOWN : reason;
        // Never an empty message: kube-apiserver 1.20's server-side apply turns "" into null and then rejects the
        // status as "message must be of type string" (seen on the test bed). A message also reads better.
        String text = message == null || message.isBlank() ? why : message;
        next.put(type, new ConditionBuilder().withType(type).withStatus(status).withReason(why).withMessage(text)
                .withLastTransitionTime(since).withObservedGeneration(generation).build());
        return this;
    }

    /** True when every condition set so far is {@code True}. */
    public boolean allTrue() {
        return next.values().stream().allMatch(c -> TRUE.equals(c.getStatus()));
    }

    /** The first condition set so far that is not {@code True}, or null. */
    public Condition firstNotTrue() {
        return next.values().stream().filter(c -> !TRUE.equals(c.getStatus())).findFirst().orElse(null);
    }

    /** What blocks readiness: the first condition set so far that is not True. */
    public record Summary(String reason, String message) {
    }

    public Summary summary() {
        Condition blocker = firstNotTrue();
        return blocker == null ? new Summary("Installed", "")
                : new Summary(blocker.getReason(), blocker.getType() + ": " + blocker.getMessage());
    }

    /**
     * Carries every condition of the previous status that this reconcile did not set: when a step is skipped
     * because nothing it checks has changed (the re-check's fingerprint), its last verdict stands.
     */
    public Conditions keepUnset() {
        previous.forEach(next::putIfAbsent);
        return this;
    }

    /** The new list, sorted by type so an unchanged status serializes identically (no needless patch). */
    public List<Condition> build() {
        List<Condition> out = new ArrayList<>(next.values());
        out.sort(Comparator.comparing(Condition::getType));
        return out;
    }

    /** Whether two condition lists say the same thing (ignoring order). */
    public static boolean same(List<Condition> a, List<Condition> b) {
        Map<String, Condition> left = new LinkedHashMap<>();
        Map<String, Condition> right = new LinkedHashMap<>();
        if (a != null) {
            a.forEach(c -> left.put(c.getType(), c));
        }
        if (b != null) {
            b.forEach(c -> right.put(c.getType(), c));
        }
        return left.equals(right);
    }
}
