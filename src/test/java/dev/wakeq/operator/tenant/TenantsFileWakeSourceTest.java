package dev.wakeq.operator.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wakeq.worker.TenantConfig;
import dev.wakeq.worker.TenantsFileParser;
import dev.wakeq.worker.WakeSource;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The operator's tenants file and the worker's parser agree on the Binlog wake source. */
class TenantsFileWakeSourceTest {

    @Test
    void aBinlogEntryReachesTheWorkerAsBinlogAndAPlainEntryStaysTrigger() throws Exception {
        TenantsFile.Entry plain = new TenantsFile.Entry("k1", "ns/a", "jdbc:mysql://db:3306/a", "u", "p", "_queue",
                "_queue_dead");
        TenantsFile file = TenantsFile.empty().with(plain).with(new TenantsFile.Entry("k2", "ns/b",
                "jdbc:mysql://db:3306/b", "u", "p", "_queue", "_queue_dead").withWakeSource("Binlog"));

        String json = new String(file.toJson(), StandardCharsets.UTF_8);
        // A Trigger entry is written exactly as before the field existed (no needless Secret change on upgrade).
        assertThat(json).containsOnlyOnce("wakeSource");
        var tenants = TenantsFileParser.parse(file.toJson());
        assertThat(tenants).extracting(TenantConfig::name).containsExactly("ns/a", "ns/b");
        assertThat(tenants).extracting(TenantConfig::wakeSource).containsExactly(WakeSource.TRIGGER, WakeSource.BINLOG);
        assertThat(TenantsFile.parse(file.toJson())).isEqualTo(file);
    }
}
