package dev.wakeq.operator.tenant;

import dev.wakeq.operator.crd.WorkerPool;
import dev.wakeq.operator.pool.PoolNames;
import dev.wakeq.operator.pool.WorkerDeploymentDependent;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Reads and edits each pool's tenants Secret. One instance serves all reconciles of the operator.
 * <ul>
 * <li>Many QueueTenant reconciles edit the same Secret at once, and the Secret holds every tenant of the pool (300 KB
 * for 1,000 tenants). One read-modify-write per reconcile made registering N tenants cost N reads and writes of a
 * Secret that grows with N, most of them conflicting. So changes are batched: a reconcile that finds a write in
 * progress queues its change and waits, and the writer applies every queued change in its next write (measured
 * with scripts/scale-bench.sh: see README).</li>
 * <li>The last content read or written is kept, so a reconcile does not read the Secret again. Every write is a
 * compare-and-swap on that content's resourceVersion: if anyone else changed or deleted the Secret, the write
 * fails, the Secret is read again and the changes are reapplied. No registration is lost.</li>
 * </ul>
 */
@Singleton
public final class PoolRegistry {

    private static final int ATTEMPTS = 8;

    private final KubernetesClient client;
    private final Map<PoolNames, PoolFile> files = new ConcurrentHashMap<>();

    @Inject
    public PoolRegistry(KubernetesClient client) {
        this.client = client;
    }

    /** One pool's Secret: its last known state and the changes waiting for the next write. Guarded by itself. */
    private static final class PoolFile {
        Secret secret;
        TenantsFile file;
        boolean known;
        boolean writing;
        final List<Change> queued = new ArrayList<>();
    }

    /** A queued edit. {@code owner} is the pool to own a Secret that must be created; null for a removal. */
    private record Change(UnaryOperator<TenantsFile> edit, WorkerPool owner, CompletableFuture<TenantsFile> done) {
    }

    TenantsFile read(String namespace, String pool) {
        PoolNames names = new PoolNames(pool, namespace);
        PoolFile f = files.computeIfAbsent(names, n -> new PoolFile());
        synchronized (f) {
            load(names, f);
            return f.file;
        }
    }

    /** How many tenants the pool's Secret lists (its last known copy; read once if none is known yet). */
    public int tenantCount(String namespace, String pool) {
        return read(namespace, pool).tenants().size();
    }

    /** Applies {@code change} to the pool's tenants file; creates the Secret (owned by the pool) if missing. */
    TenantsFile update(WorkerPool pool, UnaryOperator<TenantsFile> change) {
        return submit(PoolNames.of(pool), new Change(change, pool, new CompletableFuture<>()));
    }

    /** Removes a tenant from a pool's file; a missing pool or Secret means there is nothing to remove. */
    void remove(String namespace, String pool, String tenantName) {
        submit(new PoolNames(pool, namespace), new Change(file -> file.without(tenantName), null,
                new CompletableFuture<>()));
    }

    private TenantsFile submit(PoolNames names, Change change) {
        PoolFile f = files.computeIfAbsent(names, n -> new PoolFile());
        boolean writer;
        synchronized (f) {
            f.queued.add(change);
            writer = !f.writing;
            f.writing = true;
        }
        if (writer) {
            writeQueued(names, f);
        }
        try {
            return change.done().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** Writes batches until no change is queued. Runs on the reconcile thread that found no write in progress. */
    private void writeQueued(PoolNames names, PoolFile f) {
        while (true) {
            List<Change> batch;
            synchronized (f) {
                if (f.queued.isEmpty()) {
                    f.writing = false;
                    return;
                }
                batch = new ArrayList<>(f.queued);
                f.queued.clear();
            }
            try {
                TenantsFile written = write(names, f, batch);
                batch.forEach(c -> c.done().complete(written));
            } catch (RuntimeException e) {
                batch.forEach(c -> c.done().completeExceptionally(e));
            }
        }
    }

    private TenantsFile write(PoolNames names, PoolFile f, List<Change> batch) {
        for (int attempt = 1; ; attempt++) {
            Secret current;
            TenantsFile before;
            synchronized (f) {
                load(names, f);
                current = f.secret;
                before = f.file;
            }
            TenantsFile after = before;
            for (Change c : batch) {
                after = c.edit().apply(after);
            }
            WorkerPool owner = batch.stream().map(Change::owner).filter(Objects::nonNull).findFirst().orElse(null);
            if (after.equals(before) && (current != null || owner == null)) {
                return after;
            }
            try {
                Secret written;
                if (current == null) {
                    written = client.secrets().inNamespace(names.namespace()).resource(newSecret(owner, names, after))
                            .create();
                } else {
                    Secret next = new SecretBuilder(current).withData(Map.of(WorkerDeploymentDependent.TENANTS_FILE,
                            Base64.getEncoder().encodeToString(after.toJson()))).build();
                    written = client.secrets().inNamespace(names.namespace()).resource(next)
                            .lockResourceVersion(current.getMetadata().getResourceVersion()).update();
                }
                synchronized (f) {
                    f.secret = written;
                    f.file = after;
                }
                return after;
            } catch (KubernetesClientException e) {
                // 409: someone else wrote first (or created it); 404: it was deleted. Read again and reapply.
                if ((e.getCode() != 409 && e.getCode() != 404) || attempt >= ATTEMPTS) {
                    throw e;
                }
                synchronized (f) {
                    f.known = false;
                }
            }
        }
    }

    /** Reads the Secret unless its content is known. Guarded by {@code f}. */
    private void load(PoolNames names, PoolFile f) {
        if (!f.known) {
            Secret secret = client.secrets().inNamespace(names.namespace()).withName(names.tenantsSecret()).get();
            f.secret = secret;
            f.file = secret == null ? TenantsFile.empty() : decode(secret);
            f.known = true;
        }
    }

    private static Secret newSecret(WorkerPool pool, PoolNames names, TenantsFile file) {
        return new SecretBuilder()
                .withNewMetadata().withName(names.tenantsSecret()).withNamespace(names.namespace())
                .withLabels(names.labels())
                // Owned by the pool: deleting the pool deletes its tenants file.
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion(pool.getApiVersion())
                        .withKind(pool.getKind()).withName(pool.getMetadata().getName())
                        .withUid(pool.getMetadata().getUid()).withController(true).withBlockOwnerDeletion(true).build())
                .endMetadata()
                .withType("Opaque")
                .withData(Map.of(WorkerDeploymentDependent.TENANTS_FILE, Base64.getEncoder().encodeToString(file.toJson())))
                .build();
    }

    private static TenantsFile decode(Secret secret) {
        String data = secret.getData() == null ? null : secret.getData().get(WorkerDeploymentDependent.TENANTS_FILE);
        return data == null ? TenantsFile.empty() : TenantsFile.parse(Base64.getDecoder().decode(data));
    }
}
