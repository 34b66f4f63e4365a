package dev.wakeq.operator.relay;

import dev.wakeq.relay.RelayFileParser;
import dev.wakeq.relay.RelayServer;
import dev.wakeq.relay.RelaySetup;
import dev.wakeq.relay.RelayTenant;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import jakarta.inject.Singleton;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * Which tenants each relay announces, and the relay's Secret and Deployment to match. A tenant is added by its own
 * Binlog reconcile and removed only by its own reconcile once its trigger announces it again (or on delete): no other
 * tenant's reconcile, working from an older cache, can drop it, which is what keeps a switch free of a window. The
 * membership lives in memory and in the relays' Secrets; after a restart a namespace's Secrets are read once (by
 * label) before the first change to it. A relay left with no tenants is deleted, Deployment first.
 */
@Singleton
public class RelayRegistry {

    private static final Logger LOG = Logger.getLogger(RelayRegistry.class);

    /** Relays by name; guarded by {@code this}. Writes are rare (a tenant joining, leaving or moving). */
    private final Map<String, Relay> relays = new HashMap<>();
    private final Set<String> loadedNamespaces = new HashSet<>();

    /** One tenant of a relay: where its wake-ups go, and what it asks of the relay's pod. */
    public record Member(RelayTenant tenant, String image, int sweepSeconds) {
    }

    private static final class Relay {
        final RelayNames names;
        RelayServer server;
        final Map<String, Member> members = new TreeMap<>();
        /** The Deployment last written, to write only a change. */
        String deployed;
        /** The Secret must be written even if the membership did not change. */
        boolean secretStale;

        Relay(RelayNames names, RelayServer server) {
            this.names = names;
            this.server = server;
        }
    }

    /** Adds or updates {@code member} in the relay {@code names} (reading with {@code server}); writes what changed. */
    public synchronized void join(KubernetesClient client, RelayNames names, RelayServer server, Member member) {
        load(client, names.namespace());
        String tenant = member.tenant().name();
        Relay relay = relays.computeIfAbsent(names.name(), n -> new Relay(names, server));
        boolean changed = !member.equals(relay.members.get(tenant)) || !server.equals(relay.server)
                || relay.secretStale;
        relay.members.put(tenant, member);
        relay.server = server;
        if (changed) {
            writeSecret(client, relay);
        }
        writeDeployment(client, relay);
    }

    /**
     * Removes the tenant from every other relay of its namespace: for a tenant that moved to another server or account
     * Secret, called once its new relay ({@code names}) reports it, so the move has no window either.
     */
    public synchronized void leaveOthers(KubernetesClient client, RelayNames names, String tenant) {
        load(client, names.namespace());
        for (Relay other : relays.values().stream().filter(r -> !r.names.name().equals(names.name())
                && r.names.namespace().equals(names.namespace()) && r.members.containsKey(tenant)).toList()) {
            leave(client, other, tenant);
        }
    }

    /** Removes the tenant ({@code namespace/name}) from every relay of its namespace. */
    public synchronized void leave(KubernetesClient client, String namespace, String tenant) {
        load(client, namespace);
        for (Relay relay : relays.values().stream().filter(r -> r.names.namespace().equals(namespace)
                && r.members.containsKey(tenant)).toList()) {
            leave(client, relay, tenant);
        }
    }

    /**
     * Writes the relay's Secret and Deployment again at the next join, whatever the operator last wrote: for a relay
     * with no pod that answers (its Deployment or Secret may have been deleted by hand).
     */
    public synchronized void rewrite(RelayNames names) {
        Relay relay = relays.get(names.name());
        if (relay != null) {
            relay.deployed = null;
            relay.secretStale = true;
        }
    }

    /** Whether the operator has the tenant in any relay's membership (what it asked for, not what runs). */
    public synchronized boolean listed(KubernetesClient client, String namespace, String tenant) {
        load(client, namespace);
        return relays.values().stream().anyMatch(r -> r.names.namespace().equals(namespace)
                && r.members.containsKey(tenant));
    }

    private void leave(KubernetesClient client, Relay relay, String tenant) {
        relay.members.remove(tenant);
        if (!relay.members.isEmpty()) {
            writeSecret(client, relay);
            writeDeployment(client, relay);
            return;
        }
        // Deployment first: a relay pod never runs on without its file.
        client.apps().deployments().inNamespace(relay.names.namespace()).withName(relay.names.name()).delete();
        client.secrets().inNamespace(relay.names.namespace()).withName(relay.names.name()).delete();
        relays.remove(relay.names.name());
        LOG.infof("relay %s/%s for %s removed: no Binlog tenant left", relay.names.namespace(), relay.names.name(),
                relay.names.server());
    }

    private void writeSecret(KubernetesClient client, Relay relay) {
        RelayNames n = relay.names;
        byte[] file = RelayFileJson.write(relay.server, relay.members.values().stream().map(Member::tenant).toList());
        Secret secret = new SecretBuilder()
                .withNewMetadata().withName(n.name()).withNamespace(n.namespace()).withLabels(n.labels())
                .addToAnnotations("wakeq.dev/server", n.server()).addToAnnotations("wakeq.dev/credentials-secret",
                        n.credentialsSecret())
                .endMetadata()
                .withType("Opaque")
                .withData(Map.of(RelayNames.RELAY_FILE, Base64.getEncoder().encodeToString(file)))
                .build();
        // An update replaces the whole file at once (the kubelet swaps the mounted file atomically).
        client.secrets().inNamespace(n.namespace()).resource(secret).createOr(NonDeletingOperation::update);
        relay.secretStale = false;
    }

    /** The image and sweep interval of the first member by name, and the shortest sweep: fixed for a membership. */
    private void writeDeployment(KubernetesClient client, Relay relay) {
        // Members read back after a restart have no image until their reconcile joins again.
        var known = relay.members.values().stream().filter(m -> m.image() != null).toList();
        if (known.isEmpty()) {
            return;
        }
        Member first = known.get(0);
        int sweep = known.stream().mapToInt(Member::sweepSeconds).min().orElse(300);
        var desired = RelayDeployment.desired(relay.names, first.image(), sweep);
        String text = client.getKubernetesSerialization().asJson(desired);
        if (text.equals(relay.deployed)) {
            return;
        }
        client.apps().deployments().inNamespace(relay.names.namespace()).resource(desired)
                .createOr(NonDeletingOperation::update);
        relay.deployed = text;
    }

    /** After a restart: the namespace's relays as their Secrets say, so that no member is forgotten. */
    private void load(KubernetesClient client, String namespace) {
        if (!loadedNamespaces.add(namespace)) {
            return;
        }
        for (Secret s : client.secrets().inNamespace(namespace).withLabels(RelayNames.anyRelay()).list().getItems()) {
            Map<String, String> notes = s.getMetadata().getAnnotations();
            String server = notes == null ? null : notes.get("wakeq.dev/server");
            String data = s.getData() == null ? null : s.getData().get(RelayNames.RELAY_FILE);
            if (server == null || data == null) {
                continue;
            }
            try {
                RelaySetup setup = RelayFileParser.parse(Base64.getDecoder().decode(data));
                RelayNames names = new RelayNames(namespace, setup.server().host(), setup.server().port(),
                        notes.get("wakeq.dev/credentials-secret"));
                Relay relay = new Relay(names, setup.server());
                // Image and sweep are unknown until each member's reconcile joins again; membership is what counts.
                setup.tenants().forEach(t -> relay.members.put(t.name(), new Member(t, null, 300)));
                relay.deployed = "unknown";
                relays.put(names.name(), relay);
            } catch (RelayFileParser.InvalidRelayFileException | RuntimeException e) {
                LOG.warnf("relay Secret %s/%s not readable (%s); its tenants join again at their next reconcile",
                        namespace, s.getMetadata().getName(), e.getMessage());
            }
        }
    }
}
