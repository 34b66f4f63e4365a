package dev.wakeq.bench;

import dev.wakeq.operator.OperatorFixture;
import dev.wakeq.operator.tenant.TenantsFile;
import dev.wakeq.testbed.DbServer;
import dev.wakeq.testbed.kube.KubeApiServers;
import dev.wakeq.worker.ContainerWorker;
import dev.wakeq.worker.TenantShards;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetAddress;
import java.util.Base64;
import java.util.Map;

/**
 * The scale benchmark's figures on the pool's tenants shards (issue 15): each shard Secret's size against the
 * API's 1 MiB, how long a worker starting on all the tenants takes to be ready, and how long a tenant created
 * now takes to reach a running worker. Prints numbers; asserts nothing.
 */
final class ShardFigures {

    private static final String KEY = "tenants.json";

    private ShardFigures() {
    }

    static void print(KubernetesClient client, OperatorFixture f, String pool, DbServer db) throws Exception {
        int largest = 0;
        long total = 0;
        int listed = 0;
        for (String name : TenantShards.secretNames(pool)) {
            Secret s = client.secrets().inNamespace(f.namespace).withName(name).get();
            if (s != null) {
                byte[] json = Base64.getDecoder().decode(s.getData().get(KEY));
                largest = Math.max(largest, json.length);
                total += json.length;
                listed += TenantsFile.parse(json).tenants().size();
            }
        }
        System.out.printf("tenants shards: %d tenants in %d Secrets, %d bytes in all, largest %d bytes (%.1f %% of "
                + "the API's 1 MiB)%n", listed, TenantShards.COUNT, total, largest, largest * 100.0 / 1048576);

        long start = System.nanoTime();
        try (ContainerWorker worker = ContainerWorker.start(Map.of("WAKEQ_TENANTS_POOL", pool,
                "WAKEQ_TENANTS_NAMESPACE", f.namespace, "WAKEQ_PORT", "0"), InetAddress.getLoopbackAddress(),
                h -> h, () -> KubeApiServers.shared().newClient())) {
            while (!worker.ready()) {
                Thread.sleep(10);
            }
            System.out.printf("a worker starting on all %d tenants was ready after %d ms%n", listed, ms(start));

            String name = "extra";
            String tenant = f.namespace + "/" + name;
            String shard = TenantShards.secretName(pool, TenantShards.of(tenant));
            String schema = OperatorFixture.queueSchema(db, "scale").name();
            long created = System.nanoTime();
            f.tenant(name, pool, db, schema, "db");
            String version = null;
            while (version == null) {
                Thread.sleep(5);
                Secret s = client.secrets().inNamespace(f.namespace).withName(shard).get();
                if (TenantsFile.parse(Base64.getDecoder().decode(s.getData().get(KEY))).find(tenant).isPresent()) {
                    version = s.getMetadata().getResourceVersion();
                }
            }
            long inShard = ms(created);
            while (!isAtLeast(worker.appliedShards().get(shard), version)) {
                Thread.sleep(5);
            }
            System.out.printf("a QueueTenant created now: in its shard after %d ms, applied by the running worker "
                    + "after %d ms%n", inShard, ms(created));
        }
    }

    private static boolean isAtLeast(String have, String want) {
        return have != null && Long.parseLong(have) >= Long.parseLong(want);
    }

    private static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }
}
