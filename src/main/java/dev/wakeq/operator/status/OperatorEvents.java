package dev.wakeq.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Kubernetes Events on wakeq's resources, what {@code kubectl describe} lists. Reconcilers record transitions
 * and actions, never every retry, so a tenant failing the same way for hours adds no events. Texts come from
 * conditions or fixed phrases, never from credentials. A failed write is logged and dropped: events inform
 * people and must not make a reconcile fail.
 */
public final class OperatorEvents {

    public static final String COMPONENT = "wakeq-operator";
    public static final String NORMAL = "Normal";
    public static final String WARNING = "Warning";
    static final String READY = "Ready";
    /** Event messages are for a terminal; longer texts are cut (the condition keeps the whole message). */
    private static final int MAX_MESSAGE = 1024;
    private static final Logger LOG = Logger.getLogger(OperatorEvents.class);
    /** Keeps event names unique within this process even when two events share a clock tick. */
    private static final AtomicLong LAST_NAME = new AtomicLong();

    private final KubernetesClient client;
    private final Clock clock;

    public OperatorEvents(KubernetesClient client) {
        this(client, Clock.systemUTC());
    }

    OperatorEvents(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    public void record(HasMetadata target, String type, String reason, String message) {
        Instant now = Instant.now(clock);
        String time = now.truncatedTo(ChronoUnit.SECONDS).toString();
        String text = message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE - 3) + "..." : message;
        long unique = LAST_NAME.updateAndGet(last -> Math.max(last + 1, now.toEpochMilli() * 1_000_000L));
        try {
            client.v1().events().inNamespace(target.getMetadata().getNamespace()).resource(new EventBuilder()
                    .withNewMetadata().withName(target.getMetadata().getName() + "." + Long.toHexString(unique))
                    .withNamespace(target.getMetadata().getNamespace()).endMetadata()
                    .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion(target.getApiVersion())
                            .withKind(target.getKind()).withName(target.getMetadata().getName())
                            .withNamespace(target.getMetadata().getNamespace()).withUid(target.getMetadata().getUid())
                            .withResourceVersion(target.getMetadata().getResourceVersion()).build())
                    .withType(type).withReason(reason).withMessage(text)
                    .withFirstTimestamp(time).withLastTimestamp(time).withCount(1)
                    .withNewSource().withComponent(COMPONENT).endSource()
                    .build()).create();
        } catch (KubernetesClientException e) {
            LOG.warnf("could not record event %s on %s %s/%s: %s", reason, target.getKind(),
                    target.getMetadata().getNamespace(), target.getMetadata().getName(), e.getMessage());
        }
    }

    /**
     * Records the {@code Ready} condition's change, if its status or reason changed (or it is new): Normal when it
     * turned True, Warning otherwise, with the condition's reason and message.
     */
    public void readyChanged(HasMetadata target, List<Condition> before, List<Condition> after) {
        readyTransition(before, after).ifPresent(c -> record(target, Conditions.TRUE.equals(c.getStatus()) ? NORMAL
                : WARNING, c.getReason(), "Ready is " + c.getStatus() + ": " + c.getMessage()));
    }

    /** The new Ready condition when it differs in status or reason from the old one, else empty. */
    static Optional<Condition> readyTransition(List<Condition> before, List<Condition> after) {
        Optional<Condition> next = ready(after);
        Optional<Condition> previous = ready(before);
        if (next.isEmpty()) {
            return Optional.empty();
        }
        boolean same = previous.isPresent() && Objects.equals(previous.get().getStatus(), next.get().getStatus())
                && Objects.equals(previous.get().getReason(), next.get().getReason());
        return same ? Optional.empty() : next;
    }

    private static Optional<Condition> ready(List<Condition> conditions) {
        return conditions == null ? Optional.empty()
                : conditions.stream().filter(c -> READY.equals(c.getType())).findFirst();
    }
}
