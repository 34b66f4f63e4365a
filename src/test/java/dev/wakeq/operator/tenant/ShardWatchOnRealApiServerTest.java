package dev.wakeq.operator.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wakeq.relay.CuttableProxy;
import dev.wakeq.testbed.kube.KubeApiServers;
import dev.wakeq.testbed.kube.OperatorTestResource;
import dev.wakeq.testbed.kube.RequiresKubeApiServer;
import dev.wakeq.wire.WakeCodec;
import dev.wakeq.wire.WakeMessage;
import dev.wakeq.worker.ContainerWorker;
import dev.wakeq.worker.TenantShards;
import dev.wakeq.worker.WorkerMetrics;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Workers reading their pool's tenants shard Secrets through the real API server, as the operator's registry
 * writes them: a restart loads every shard before ready, a change reaches running workers in well under a second
 * (printed), a corrupt shard is refused whole, and a worker cut off from the API catches up when it is back.
 */
@RequiresKubeApiServer
class ShardWatchOnRealApiServerTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
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
    void aStartingWorkerLoadsFourThousandTenantsBeforeReadyAndChangesReachRunningWorkersInMilliseconds()
            throws Exception {
        var f = new PoolRegistryOnRealApiServerTest.Fixture(client, "watch-4000");
        PoolRegistry registry = new PoolRegistry(client);
        PoolRegistryOnRealApiServerTest.register(registry, f.pool,
                IntStream.range(0, 4000).mapToObj(i -> f.namespace + "/t" + i).toList(), 32);

        long start = System.nanoTime();
        try (ContainerWorker a = worker(f.namespace, ShardWatchOnRealApiServerTest::newClient);
             ContainerWorker b = worker(f.namespace, ShardWatchOnRealApiServerTest::newClient)) {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> a.ready() && b.ready());
            long readyMillis = (System.nanoTime() - start) / 1_000_000;
            // Ready means every shard that exists is applied, in the version the API server holds.
            assertThat(a.appliedShards()).isEqualTo(currentVersions(f.namespace)).hasSize(TenantShards.COUNT);
            assertThat(b.appliedShards()).isEqualTo(currentVersions(f.namespace));
            assertKnown(a, registry.find(f.namespace, "pool", f.namespace + "/t3999").orElseThrow().key(), true);
            assertKnown(a, "no-such-key", false);

            List<Long> added = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String name = f.namespace + "/new" + i;
                long t0 = System.nanoTime();
                PoolRegistry.Written w = registry.update(f.pool, name,
                        file -> file.with(PoolRegistryOnRealApiServerTest.entry(name, "")));
                awaitApplied(w, a, b);
                added.add((System.nanoTime() - t0) / 1_000_000);
            }
            String removed = f.namespace + "/new0";
            String removedKey = registry.find(f.namespace, "pool", removed).orElseThrow().key();
            long t0 = System.nanoTime();
            awaitApplied(registry.remove(f.namespace, "pool", removed), a, b);
            long removeMillis = (System.nanoTime() - t0) / 1_000_000;
            assertKnown(b, removedKey, false);

            added.sort(null);
            System.out.printf("4,000 tenants in %d shards: two starting workers ready after %d ms; a new tenant "
                            + "applied by both running workers %d ms after its registration began (median of 20, "
                            + "max %d ms); a removal in %d ms%n", TenantShards.COUNT, readyMillis, added.get(10),
                    added.get(19), removeMillis);
        }
    }

    @Test
    void aCorruptShardIsRefusedWholeWhileTheWorkerKeepsItsPreviousContentAndStaysReady() throws Exception {
        var f = new PoolRegistryOnRealApiServerTest.Fixture(client, "watch-corrupt");
        PoolRegistry registry = new PoolRegistry(client);
        List<String> names = PoolRegistryOnRealApiServerTest.sameShard(3);
        PoolRegistry.Written before = null;
        for (String n : names.subList(0, 2)) {
            before = registry.update(f.pool, n, file -> file.with(PoolRegistryOnRealApiServerTest.entry(n, "")));
        }
        try (ContainerWorker w = worker(f.namespace, ShardWatchOnRealApiServerTest::newClient)) {
            awaitApplied(before, w);
            await().atMost(WAIT).until(w::ready);
            String key = registry.find(f.namespace, "pool", names.get(0)).orElseThrow().key();

            Secret corrupt = client.secrets().inNamespace(f.namespace).withName(before.secretName()).get();
            corrupt.setData(Map.of("tenants.json", Base64.getEncoder().encodeToString(
                    "{\"version\":2,\"credentials\":{},\"tenants\":[{\"key\":\"k\"".getBytes())));
            client.secrets().inNamespace(f.namespace).resource(corrupt).update();
            await().atMost(WAIT).until(() -> w.count(WorkerMetrics.CONFIG_ERRORS) >= 1);
            assertThat(w.appliedShards()).containsEntry(before.secretName(), before.resourceVersion());
            assertThat(w.ready()).isTrue();
            assertKnown(w, key, true);

            // The operator cannot read the shard either: it rewrites it from the registrations that follow.
            String third = names.get(2);
            PoolRegistry.Written healed = registry.update(f.pool, third,
                    file -> file.with(PoolRegistryOnRealApiServerTest.entry(third, "")));
            awaitApplied(healed, w);
            assertKnown(w, registry.find(f.namespace, "pool", third).orElseThrow().key(), true);
        }
    }

    @Test
    void aWorkerCutOffFromTheApiServerCatchesUpWhenItIsBack() throws Exception {
        var f = new PoolRegistryOnRealApiServerTest.Fixture(client, "watch-cut");
        PoolRegistry registry = new PoolRegistry(client);
        URI api = URI.create(client.getConfiguration().getMasterUrl());
        try (CuttableProxy proxy = new CuttableProxy(api.getHost(), api.getPort())) {
            Supplier<KubernetesClient> viaProxy = () -> {
                Config c = Config.fromKubeconfig(KubeApiServers.shared().kubeconfigYaml());
                c.setMasterUrl("https://" + api.getHost() + ":" + proxy.port());
                return new KubernetesClientBuilder().withConfig(c).build();
            };
            String first = f.namespace + "/first";
            PoolRegistry.Written w1 = registry.update(f.pool, first,
                    file -> file.with(PoolRegistryOnRealApiServerTest.entry(first, "")));
            try (ContainerWorker w = worker(f.namespace, viaProxy)) {
                awaitApplied(w1, w);

                proxy.cut();
                List<PoolRegistry.Written> missed = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    String name = f.namespace + "/missed" + i;
                    missed.add(registry.update(f.pool, name,
                            file -> file.with(PoolRegistryOnRealApiServerTest.entry(name, ""))));
                }
                missed.add(registry.remove(f.namespace, "pool", first));
                assertThat(w.appliedShards()).containsEntry(w1.secretName(), w1.resourceVersion());

                long back = System.nanoTime();
                proxy.restore();
                // The last write of each shard is what the worker must end up with.
                Map<String, String> latest = new java.util.HashMap<>();
                missed.forEach(m -> latest.put(m.secretName(), m.resourceVersion()));
                await().atMost(WAIT).pollInterval(Duration.ofMillis(20))
                        .until(() -> w.appliedShards().entrySet().containsAll(latest.entrySet()));
                System.out.printf("a worker cut off from the API server while 6 changes were made had them all "
                        + "%d ms after the connection was back%n", (System.nanoTime() - back) / 1_000_000);
            }
        }
    }

    private static void awaitApplied(PoolRegistry.Written written, ContainerWorker... workers) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> {
            for (ContainerWorker w : workers) {
                if (!written.resourceVersion().equals(w.appliedShards().get(written.secretName()))) {
                    return false;
                }
            }
            return true;
        });
    }

    /** A sweep for {@code key} over TCP: dropped as unknown_tenant unless the worker knows the key. */
    private static void assertKnown(ContainerWorker w, String key, boolean known) throws IOException {
        long received = w.count(WorkerMetrics.WAKES_RECEIVED, "protocol", "tcp");
        long unknown = w.count(WorkerMetrics.WAKES_DROPPED, "reason", "unknown_tenant");
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), w.port()); OutputStream out = s.getOutputStream()) {
            out.write(WakeCodec.encode(WakeMessage.sweep(key)));
        }
        await().atMost(WAIT).until(() -> w.count(WorkerMetrics.WAKES_RECEIVED, "protocol", "tcp") > received);
        assertThat(w.count(WorkerMetrics.WAKES_DROPPED, "reason", "unknown_tenant") - unknown)
                .as("unknown_tenant drops for key %s", key).isEqualTo(known ? 0 : 1);
    }

    private static Map<String, String> currentVersions(String namespace) {
        Map<String, String> versions = new java.util.TreeMap<>();
        for (String name : TenantShards.secretNames("pool")) {
            Secret s = client.secrets().inNamespace(namespace).withName(name).get();
            if (s != null) {
                versions.put(name, s.getMetadata().getResourceVersion());
            }
        }
        return versions;
    }

    private static KubernetesClient newClient() {
        return KubeApiServers.shared().newClient();
    }

    private static ContainerWorker worker(String namespace, Supplier<KubernetesClient> clients) throws IOException {
        return ContainerWorker.start(Map.of("WAKEQ_TENANTS_POOL", "pool", "WAKEQ_TENANTS_NAMESPACE", namespace,
                "WAKEQ_PORT", "0"), InetAddress.getLoopbackAddress(), h -> h, clients);
    }
}
