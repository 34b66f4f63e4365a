package dev.wakeq.worker;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Which of a pool's tenants Secrets holds a tenant. The count is fixed so that a worker's Role can name every
 * shard Secret in advance ({@code resourceNames}) and watch each by name; the shard follows from the tenant's
 * name alone ({@code namespace/name}) so the operator finds an existing entry by reading one shard.
 * CRC-32 rather than {@link String#hashCode()}: a documented function, the same in every language and version.
 * Changing {@link #COUNT} moves tenants between Secrets: operator and workers of one release must agree on it.
 */
public final class TenantShards {

    /** Shards per pool: at 10,000 tenants about 625 entries (about 110 KB) per Secret, far below 1 MiB. */
    public static final int COUNT = 16;

    private TenantShards() {
    }

    public static int of(String tenantName) {
        CRC32 crc = new CRC32();
        crc.update(tenantName.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % COUNT);
    }

    /** The Secret of shard {@code index} of {@code pool}. */
    public static String secretName(String pool, int index) {
        return pool + "-tenants-" + index;
    }

    public static List<String> secretNames(String pool) {
        List<String> names = new ArrayList<>(COUNT);
        for (int i = 0; i < COUNT; i++) {
            names.add(secretName(pool, i));
        }
        return List.copyOf(names);
    }
}
