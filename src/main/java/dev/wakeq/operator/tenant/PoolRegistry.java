package dev.wakeq.operator.tenant;

import dev.wakeq.operator.crd.WorkerPool;
import dev.wakeq.operator.pool.PoolNames;
import dev.wakeq.worker.TenantShards;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/**
 * Reads and edits the shard Secrets that hold each pool's tenants ({@link TenantShards}: a fixed number per pool,
 * a tenant's shard follows from its name). One instance serves all reconciles of the operator.
 * <ul>
 * <li>Many QueueTenant reconciles edit the same shard at once. One read-modify-write per reconcile made registering
 * N tenants cost N reads and writes, most of them conflicting. So changes are batched per shard: a reconcile that
 * finds a write of its shard in progress queues its change and waits, and the writer applies every queued change
 * in its next write (measured with scripts/scale-bench.sh: see README).</li>
 * <li>The last content read or written is kept, so a reconcile does not read the Secret again. Every write is a
 * compare-and-swap on that content's resourceVersion: if anyone else changed or deleted the Secret, the write
 * fails, the Secret is read again and the changes are reapplied. No registration is lost.</li>
 * <li>A change that would take its shard past {@link ShardSecrets#MAX_BYTES} is refused on its own
 * ({@link ShardFullException}); the shard is written with the rest of its batch, never half of an entry.</li>
 * </ul>
 */
@Singleton
public final class PoolRegistry {

    private static final int ATTEMPTS = 8;
    /** A shard written less than this ago is in a burst of registrations. */
    private static final Duration BURST = Duration.ofSeconds(1);
    /** How long the writer of a shard in a burst collects changes before writing: well inside the 5 s target. */
    private static final Duration LINGER = Duration.ofMillis(100);
    private static final Logger LOG = Logger.getLogger(PoolRegistry.class);

    private final KubernetesClient client;
    private final Map<Shard, ShardFile> files = new ConcurrentHashMap<>();
    /** Each pool's Secret from before shards, read once; only its keys are used. */
    private final Map<PoolNames, TenantsFile> legacy = new ConcurrentHashMap<>();

    @Inject
    public PoolRegistry(KubernetesClient client) {
        this.client = client;
    }

    /** One shard of one pool. */
    private record Shard(PoolNames names, int index) {
        String secretName() {
            return TenantShards.secretName(names.pool(), index);
        }
    }

    /** What a write left in a shard: the Secret's name and resourceVersion, which workers report once applied. */
    public record Written(String secretName, String resourceVersion, TenantsFile file) {
    }

    /** One shard's Secret: its last known state and the changes waiting for the next write. Guarded by itself. */
    private static final class ShardFile {
        Secret secret;
        TenantsFile file;
        boolean known;
        boolean writing;
        long lastWriteNanos;
        final List<Change> queued = new ArrayList<>();
    }

    /** A queued edit. {@code owner} is the pool to own a Secret that must be created; null for a removal. */
    private record Change(UnaryOperator<TenantsFile> edit, WorkerPool owner, CompletableFuture<Written> done) {
    }

    /**
     * The tenant's entry in its shard (read once if the shard is not known yet), else in the pool's Secret of
     * releases before shards ({@code <pool>-tenants}): its key then stays the same, so an upgrade does not rewrite
     * every trigger with a new key.
     */
    Optional<TenantsFile.Entry> find(String namespace, String pool, String tenantName) {
        PoolNames names = new PoolNames(pool, namespace);
        Optional<TenantsFile.Entry> entry = read(shardOf(names, tenantName)).find(tenantName);
        return entry.isPresent() ? entry : legacy.computeIfAbsent(names, this::readLegacy).find(tenantName);
    }

    private TenantsFile readLegacy(PoolNames names) {
        Secret old = client.secrets().inNamespace(names.namespace()).withName(names.pool() + "-tenants").get();
        try {
            return ShardSecrets.decode(old);
        } catch (IllegalArgumentException e) {
            return TenantsFile.empty();
        }
    }

    /** The shard with index {@code index} as last known (read once if not known yet). */
    TenantsFile read(String namespace, String pool, int index) {
        return read(new Shard(new PoolNames(pool, namespace), index));
    }

    /** How many tenants the pool's shards list (their last known copies; each read once if not known yet). */
    public int tenantCount(String namespace, String pool) {
        int count = 0;
        for (int i = 0; i < TenantShards.COUNT; i++) {
            count += read(namespace, pool, i).tenants().size();
        }
        return count;
    }

    /** Applies {@code change} to the tenant's shard; creates the Secret (owned by the pool) if missing. */
    Written update(WorkerPool pool, String tenantName, UnaryOperator<TenantsFile> change) {
        return submit(shardOf(PoolNames.of(pool), tenantName), new Change(change, pool, new CompletableFuture<>()));
    }

    /** Removes a tenant from its shard; a missing pool or Secret means there is nothing to remove. */
    Written remove(String namespace, String pool, String tenantName) {
        return submit(shardOf(new PoolNames(pool, namespace), tenantName),
                new Change(file -> file.without(tenantName), null, new CompletableFuture<>()));
    }

    private static Shard shardOf(PoolNames names, String tenantName) {
        return new Shard(names, TenantShards.of(tenantName));
    }

    private TenantsFile read(Shard shard) {
        ShardFile f = files.computeIfAbsent(shard, s -> new ShardFile());
        synchronized (f) {
            load(shard, f);
            return f.file;
        }
    }

    private Written submit(Shard shard, Change change) {
        ShardFile f = files.computeIfAbsent(shard, s -> new ShardFile());
        boolean writer;
        synchronized (f) {
            f.queued.add(change);
            writer = !f.writing;
            f.writing = true;
        }
        if (writer) {
            writeQueued(shard, f);
        }
        try {
            return change.done().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** Writes batches until no change is queued. Runs on the reconcile thread that found no write in progress. */
    private void writeQueued(Shard shard, ShardFile f) {
        while (true) {
            lingerIfBusy(f);
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
                Written written = write(shard, f, batch);
                synchronized (f) {
                    f.lastWriteNanos = System.nanoTime();
                }
                batch.forEach(c -> c.done().complete(written));
            } catch (RuntimeException e) {
                batch.forEach(c -> c.done().completeExceptionally(e));
            }
        }
    }

    /**
     * Under a burst (the shard was written moments ago) waits {@link #LINGER} so the registrations arriving
     * meanwhile share the next write: without it 1,000 registrations from 50 threads took 638 writes, since a
     * write is quick and few changes queue behind it. A lone registration does not wait.
     */
    private static void lingerIfBusy(ShardFile f) {
        long last;
        synchronized (f) {
            last = f.lastWriteNanos;
        }
        if (last != 0 && System.nanoTime() - last < BURST.toNanos()) {
            try {
                Thread.sleep(LINGER.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Written write(Shard shard, ShardFile f, List<Change> batch) {
        for (int attempt = 1; ; attempt++) {
            Secret current;
            TenantsFile before;
            synchronized (f) {
                load(shard, f);
                current = f.secret;
                before = f.file;
            }
            List<Change> kept = fitting(before, batch);
            TenantsFile after = apply(before, kept);
            WorkerPool owner = kept.stream().map(Change::owner).filter(Objects::nonNull).findFirst().orElse(null);
            if (after.equals(before) && (current != null || owner == null)) {
                return new Written(shard.secretName(), current == null ? null
                        : current.getMetadata().getResourceVersion(), after);
            }
            try {
                Secret written = ShardSecrets.write(client, current, owner, shard.names(), shard.secretName(), after);
                synchronized (f) {
                    f.secret = written;
                    f.file = after;
                }
                return new Written(shard.secretName(), written.getMetadata().getResourceVersion(), after);
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

    /**
     * The batch without the changes that would take the shard past its limit; those are refused on their own.
     * One serialization for a batch that fits (the common case), one per change only for a batch that does not.
     */
    private static List<Change> fitting(TenantsFile before, List<Change> batch) {
        if (ShardSecrets.fits(apply(before, batch))) {
            return batch;
        }
        List<Change> kept = new ArrayList<>();
        TenantsFile file = before;
        for (Change c : batch) {
            TenantsFile next = c.edit().apply(file);
            if (ShardSecrets.fits(next)) {
                kept.add(c);
                file = next;
            } else {
                c.done().completeExceptionally(new ShardFullException(ShardSecrets.MAX_BYTES));
            }
        }
        return kept;
    }

    private static TenantsFile apply(TenantsFile file, List<Change> changes) {
        for (Change c : changes) {
            file = c.edit().apply(file);
        }
        return file;
    }

    /** Reads the Secret unless its content is known. Guarded by {@code f}. */
    private void load(Shard shard, ShardFile f) {
        if (!f.known) {
            Secret secret = client.secrets().inNamespace(shard.names().namespace()).withName(shard.secretName()).get();
            f.secret = secret;
            try {
                f.file = ShardSecrets.decode(secret);
            } catch (IllegalArgumentException e) {
                // Edited by hand into something unreadable. Rewritten from the registrations that follow (each
                // tenant registers again at its next re-check) rather than refusing every registration forever.
                LOG.warnf("tenants shard %s/%s is not readable; it is rewritten from the next registrations",
                        shard.names().namespace(), shard.secretName());
                f.file = TenantsFile.empty();
            }
            f.known = true;
        }
    }

    /** A registration refused because its shard Secret would grow past the limit. */
    public static final class ShardFullException extends RuntimeException {
        ShardFullException(int maxBytes) {
            super("the pool's tenants shard would exceed " + maxBytes + " bytes; registration refused");
        }
    }
}
