package dev.wakeq.operator.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wakeq.operator.crd.WorkerPool;
import dev.wakeq.operator.crd.WorkerPoolSpec;
import dev.wakeq.operator.pool.PoolNames;
import dev.wakeq.testbed.kube.KubeApiServers;
import dev.wakeq.testbed.kube.OperatorTestResource;
import dev.wakeq.testbed.kube.RequiresKubeApiServer;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The pool registry's batching and its cache, against the real API server (no Quarkus needed). */
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
    void concurrentRegistrationsAreAllKeptAndShareWrites() throws Exception {
        Fixture f = new Fixture("reg-batch");
        PoolRegistry registry = new PoolRegistry(client);
        AtomicInteger writes = new AtomicInteger();
        int tenants = 64;
        try (Watch ignored = f.countWrites(writes)) {
            ExecutorService threads = Executors.newFixedThreadPool(16);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < tenants; i++) {
                TenantsFile.Entry e = entry("t" + i);
                done.add(threads.submit(() -> {
                    go.await();
                    return registry.update(f.pool, file -> file.with(e));
                }));
            }
            go.countDown();
            for (Future<?> d : done) {
                d.get(60, TimeUnit.SECONDS);
            }
            threads.shutdown();
            Thread.sleep(500); // let the watch deliver the last event
        }
        assertThat(f.stored().tenants()).hasSize(tenants);
        // Without batching every registration is its own write (64, plus retries on conflict).
        assertThat(writes.get()).isBetween(1, tenants / 2);
        System.out.printf("%d concurrent registrations: %d writes of the tenants Secret%n", tenants, writes.get());
    }

    @Test
    void aChangeMadeByAnyoneElseIsKeptAndADeletedSecretIsRecreated() {
        Fixture f = new Fixture("reg-cache");
        PoolRegistry registry = new PoolRegistry(client);
        registry.update(f.pool, file -> file.with(entry("a")));
        assertThat(registry.read(f.namespace, "pool").find("a")).isPresent();

        // Someone else writes the Secret: our cached copy is stale, the compare-and-swap fails, we read again.
        Secret secret = f.secret();
        secret.getMetadata().setAnnotations(Map.of("edited-by", "someone"));
        client.secrets().inNamespace(f.namespace).resource(secret).update();
        registry.update(f.pool, file -> file.with(entry("b")));
        assertThat(f.secret().getMetadata().getAnnotations()).containsEntry("edited-by", "someone");
        assertThat(f.stored().tenants()).extracting(TenantsFile.Entry::name).containsExactly("a", "b");

        client.secrets().inNamespace(f.namespace).withName(f.names.tenantsSecret()).delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> f.secret() == null);
        registry.update(f.pool, file -> file.with(entry("c")));
        // Not the stale copy with a and b: the Secret is recreated from what the server has (nothing). a and b come
        // back when their tenants are next reconciled.
        assertThat(f.stored().tenants()).extracting(TenantsFile.Entry::name).containsExactly("c");
        assertThat(f.secret().getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getName()).isEqualTo("pool"));

        registry.update(f.pool, file -> file.with(entry("d")));
        registry.remove(f.namespace, "pool", "c");
        assertThat(f.stored().tenants()).extracting(TenantsFile.Entry::name).containsExactly("d");
    }

    private static TenantsFile.Entry entry(String name) {
        return new TenantsFile.Entry("key-" + name, name, "jdbc:mysql://127.0.0.1:3306/" + name, "worker", "pw",
                "_queue", "_queue_dead");
    }

    private static final class Fixture {
        final String namespace;
        final WorkerPool pool;
        final PoolNames names;

        Fixture(String prefix) {
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
            names = PoolNames.of(pool);
        }

        Secret secret() {
            return client.secrets().inNamespace(namespace).withName(names.tenantsSecret()).get();
        }

        TenantsFile stored() {
            Secret s = secret();
            return TenantsFile.parse(Base64.getDecoder().decode(s.getData().get("tenants.json")));
        }

        Watch countWrites(AtomicInteger writes) {
            return client.secrets().inNamespace(namespace).withName(names.tenantsSecret()).watch(new Watcher<>() {
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
