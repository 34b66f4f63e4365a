package dev.wakeq.operator.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.wakeq.operator.crd.WorkerPool;
import dev.wakeq.operator.crd.WorkerPoolSpec;
import dev.wakeq.operator.pool.PoolNames;
import dev.wakeq.testbed.kube.KubeApiServers;
import dev.wakeq.testbed.kube.OperatorTestResource;
import dev.wakeq.testbed.kube.RequiresKubeApiServer;
import dev.wakeq.worker.TenantShards;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The pool registry's shards, batching, size limit and cache, against the real API server (no Quarkus needed). */
@RequiresKubeApiServer
class PoolRegistryOnRealApiServerTest {

    private static KubernetesClient client;

    @BeforeAll
    static void crds() {
        new OperatorTestResource().start();
        client = KubeApiServers.shared().newClient();
    }

    @AfterAll
    static void close() {
        client.close();
    }

    @Test
    void aThousandRegistrationsAtOnceAreAllKeptAndBatchedPerShard() throws Exception {
        Fixture f = new Fixture(client, "reg-batch");
        PoolRegistry registry = new PoolRegistry(client);
        AtomicInteger writes = new AtomicInteger();
        int tenants = 1000;
        long took;
        try (Watch ignored = f.countWrites(writes)) {
            took = register(registry, f.pool, IntStream.range(0, tenants).mapToObj(i -> "t" + i).toList(), 50);
            await().atMost(Duration.ofSeconds(10)).until(() -> f.storedCount() == tenants);
        }
        assertThat(registry.tenantCount(f.namespace, "pool")).isEqualTo(tenants);
        // Without batching every registration is its own write (1,000, plus retries on conflict). A registration
        // waits for its write, so a batch holds at most the threads waiting on one shard (about 50 / 16 here).
        assertThat(writes.get()).isBetween(TenantShards.COUNT, tenants / 2);
        System.out.printf("%d concurrent registrations (50 threads): %d writes over %d shard Secrets in %d ms%n",
                tenants, writes.get(), TenantShards.COUNT, took);
    }

    @Test
    void aPoolOfFourThousandTenantsFitsWithEveryShardFarBelowTheLimit() throws Exception {
        Fixture f = new Fixture(client, "reg-4000");
        PoolRegistry registry = new PoolRegistry(client);
        int tenants = 4000;
        long took = register(registry, f.pool, IntStream.range(0, tenants).mapToObj(i -> "tenant-" + i).toList(), 32);

        int total = 0;
        int largest = 0;
        for (int i = 0; i < TenantShards.COUNT; i++) {
            Secret s = f.shard(i);
            assertThat(s).as("shard %d", i).isNotNull();
            byte[] json = Base64.getDecoder().decode(s.getData().get("tenants.json"));
            total += TenantsFile.parse(json).tenants().size();
            largest = Math.max(largest, json.length);
        }
        assertThat(total).isEqualTo(tenants);
        // One Secret for 4,000 tenants was about 1.2 MB, past the API's 1 MiB: a shard is a sixteenth of that.
        assertThat(largest).isLessThan(128 * 1024);
        System.out.printf("%d tenants in %d shards: largest shard %d bytes (%.0f bytes per tenant); "
                + "registered in %d ms%n", tenants, TenantShards.COUNT, largest, (double) largest * TenantShards.COUNT
                / tenants, took);
    }

    @Test
    void aRegistrationThatWouldOverfillItsShardIsRefusedAndTheShardKeepsItsContent() {
        Fixture f = new Fixture(client, "reg-full");
        PoolRegistry registry = new PoolRegistry(client);
        List<String> sameShard = sameShard(12);
        // 100 KB entries (a long URL): the eighth no longer fits the shard's 768 KiB.
        String padding = "x".repeat(100 * 1024);
        int kept = 0;
        RuntimeException refused = null;
        for (String name : sameShard) {
            try {
                registry.update(f.pool, name, file -> file.with(entry(name, padding)));
                kept++;
            } catch (PoolRegistry.ShardFullException e) {
                refused = e;
                break;
            }
        }
        assertThat(refused).isNotNull();
        assertThat(kept).isEqualTo(7);
        Secret s = f.shard(TenantShards.of(sameShard.get(0)));
        assertThat(TenantsFile.parse(Base64.getDecoder().decode(s.getData().get("tenants.json"))).tenants())
                .hasSize(kept);
        // Refused again, not half-written; a small entry still fits into the same shard.
        String next = sameShard.get(8);
        assertThatThrownBy(() -> registry.update(f.pool, next, file -> file.with(entry(next, padding))))
                .isInstanceOf(PoolRegistry.ShardFullException.class);
        registry.update(f.pool, next, file -> file.with(entry(next, "")));
        assertThat(registry.find(f.namespace, "pool", next)).isPresent();
        assertThat(registry.find(f.namespace, "pool", sameShard.get(7))).isEmpty();
    }

    @Test
    void aChangeMadeByAnyoneElseIsKeptAndADeletedShardIsRecreated() {
        Fixture f = new Fixture(client, "reg-cache");
        PoolRegistry registry = new PoolRegistry(client);
        List<String> n = sameShard(4);
        int shard = TenantShards.of(n.get(0));
        registry.update(f.pool, n.get(0), file -> file.with(entry(n.get(0), "")));
        assertThat(registry.find(f.namespace, "pool", n.get(0))).isPresent();

        // Someone else writes the Secret: our cached copy is stale, the compare-and-swap fails, we read again.
        Secret secret = f.shard(shard);
        secret.getMetadata().setAnnotations(Map.of("edited-by", "someone"));
        client.secrets().inNamespace(f.namespace).resource(secret).update();
        registry.update(f.pool, n.get(1), file -> file.with(entry(n.get(1), "")));
        assertThat(f.shard(shard).getMetadata().getAnnotations()).containsEntry("edited-by", "someone");
        assertThat(f.stored(shard).tenants()).extracting(TenantsFile.Entry::name).containsExactly(n.get(0), n.get(1));

        client.secrets().inNamespace(f.namespace).withName(TenantShards.secretName("pool", shard)).delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> f.shard(shard) == null);
        registry.update(f.pool, n.get(2), file -> file.with(entry(n.get(2), "")));
        // Not the stale copy: the Secret is recreated from what the server has (nothing). The others come back
        // when their tenants are next reconciled.
        assertThat(f.stored(shard).tenants()).extracting(TenantsFile.Entry::name).containsExactly(n.get(2));
        assertThat(f.shard(shard).getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getName()).isEqualTo("pool"));

        registry.update(f.pool, n.get(3), file -> file.with(entry(n.get(3), "")));
        registry.remove(f.namespace, "pool", n.get(2));
        assertThat(f.stored(shard).tenants()).extracting(TenantsFile.Entry::name).containsExactly(n.get(3));
    }

    @Test
    void aTenantListedInThePoolSecretOfAnEarlierReleaseKeepsItsKey() {
        Fixture f = new Fixture(client, "reg-legacy");
        String v1 = """
                {"version":1,"tenants":[{"key":"oldkey123","name":"ns/old","jdbcUrl":"jdbc:mysql://db:3306/old",
                "user":"worker","password":"pw"}]}""";
        client.secrets().inNamespace(f.namespace).resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata().withName("pool-tenants").endMetadata()
                .withData(Map.of("tenants.json", Base64.getEncoder().encodeToString(v1.getBytes()))).build()).create();
        PoolRegistry registry = new PoolRegistry(client);

        assertThat(registry.find(f.namespace, "pool", "ns/old")).hasValueSatisfying(e ->
                assertThat(e.key()).isEqualTo("oldkey123"));
        assertThat(registry.find(f.namespace, "pool", "ns/new")).isEmpty();
    }

    /** Registers {@code names} from {@code threads} threads at once; returns the milliseconds it took. */
    static long register(PoolRegistry registry, WorkerPool pool, List<String> names, int threads) throws Exception {
        ExecutorService pool0 = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (String name : names) {
            TenantsFile.Entry e = entry(name, "");
            done.add(pool0.submit(() -> {
                go.await();
                return registry.update(pool, name, file -> file.with(e));
            }));
        }
        long start = System.nanoTime();
        go.countDown();
        for (Future<?> d : done) {
            d.get(120, TimeUnit.SECONDS);
        }
        pool0.shutdown();
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** Tenant names ({@code namespace/name} shaped) that all fall into one shard. */
    static List<String> sameShard(int count) {
        List<String> names = new ArrayList<>();
        int target = TenantShards.of("ns/s0");
        for (int i = 0; names.size() < count; i++) {
            if (TenantShards.of("ns/s" + i) == target) {
                names.add("ns/s" + i);
            }
        }
        return names;
    }

    static TenantsFile.Entry entry(String name, String padding) {
        return new TenantsFile.Entry("key-" + Integer.toHexString(name.hashCode()) + name.length(), name,
                "jdbc:mysql://127.0.0.1:3306/db" + padding, "worker", "pw", "_queue", "_queue_dead");
    }

    static final class Fixture {
        final KubernetesClient client;
        final String namespace;
        final WorkerPool pool;

        Fixture(KubernetesClient client, String prefix) {
            this.client = client;
            namespace = prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata()
                    .withName(namespace).endMetadata().build()).create();
            WorkerPool p = new WorkerPool();
            p.setMetadata(new ObjectMetaBuilder().withName("pool")
                    .withNamespace(namespace).build());
            WorkerPoolSpec spec = new WorkerPoolSpec();
            spec.setImage("ghcr.io/wakeq/wakeq:test");
            p.setSpec(spec);
            pool = client.resource(p).create();
        }

        Secret shard(int index) {
            return client.secrets().inNamespace(namespace).withName(TenantShards.secretName("pool", index)).get();
        }

        TenantsFile stored(int index) {
            return TenantsFile.parse(Base64.getDecoder().decode(shard(index).getData().get("tenants.json")));
        }

        int storedCount() {
            int count = 0;
            for (int i = 0; i < TenantShards.COUNT; i++) {
                Secret s = shard(i);
                count += s == null ? 0 : stored(i).tenants().size();
            }
            return count;
        }

        Watch countWrites(AtomicInteger writes) {
            return client.secrets().inNamespace(namespace).withLabel(PoolNames.POOL_LABEL, "pool")
                    .watch(new Watcher<>() {
                        @Override
                        public void eventReceived(Action action, Secret resource) {
                            if (action == Action.ADDED || action == Action.MODIFIED) {
                                writes.incrementAndGet();
                            }
                        }

                        @Override
                        public void onClose(WatcherException cause) {
                        }
                    });
        }
    }
}
