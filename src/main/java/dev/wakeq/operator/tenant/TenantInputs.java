package dev.wakeq.operator.tenant;

import dev.wakeq.install.TenantSpec;
import dev.wakeq.operator.crd.CredentialsReference;
import dev.wakeq.operator.crd.DatabaseSpec;
import dev.wakeq.operator.crd.FunctionSpec;
import dev.wakeq.operator.crd.QueueTenant;
import dev.wakeq.operator.crd.QueueTenantSpec;
import dev.wakeq.operator.crd.WorkerPool;
import dev.wakeq.operator.pool.PoolNames;
import dev.wakeq.queue.QueueSchema;
import dev.wakeq.sql.SqlIdentifier;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Gathers what a QueueTenant's spec points at (its pool's wake address, its credential Secrets) and turns it
 * into a validated {@link TenantSpec}. Anything missing is an {@link InputProblem} naming what to fix.
 */
final class TenantInputs {

    private final KubernetesClient client;
    private final QueueTenant tenant;
    private final String functionVersion;

    /** @param defaultFunctionVersion the operator's version, for a tenant that does not pin one */
    TenantInputs(KubernetesClient client, QueueTenant tenant, String defaultFunctionVersion) {
        this.client = client;
        this.tenant = tenant;
        FunctionSpec function = tenant.getSpec().getFunction();
        this.functionVersion = function != null && function.getVersion() != null ? function.getVersion()
                : defaultFunctionVersion;
    }

    static String tenantName(QueueTenant tenant) {
        return tenant.getMetadata().getNamespace() + "/" + tenant.getMetadata().getName();
    }

    /** Everything resolved; credentials stay in memory only. */
    record Resolved(QueueTenantSpec spec, String wakeHost, int wakePort, String user, String password,
                    String workerUser, String workerPassword, String tenantName, String functionVersion) {

        TenantSpec spec(String key) {
            DatabaseSpec db = spec.getDatabase();
            return spec(key, db.getHost(), db.getPort());
        }

        /** The same tenant on each replica the spec lists: what the installer checks there, read only. */
        List<TenantSpec> replicaSpecs(String key) {
            return spec.getDatabase().getReplicas() == null ? List.of()
                    : spec.getDatabase().getReplicas().stream().map(r -> spec(key, r.getHost(), r.getPort())).toList();
        }

        private TenantSpec spec(String key, String host, int port) {
            DatabaseSpec db = spec.getDatabase();
            TenantSpec.Builder b = TenantSpec.builder()
                    .database(host, port, db.getSchema())
                    .credentials(user, password)
                    .queueTable(spec.getQueue().getTable())
                    .wakeTarget(wakeHost, wakePort)
                    .tenantKey(key)
                    .functionVersion(functionVersion)
                    .sweepMinutes(spec.getSweep().getIntervalMinutes())
                    .createQueueTable(Boolean.TRUE.equals(spec.getQueue().getCreate()));
            if (spec.getQueue().getDeadLetterTable() != null) {
                b.deadLetterTable(spec.getQueue().getDeadLetterTable());
            }
            return b.build();
        }

        TenantsFile.Entry entry(String key) {
            DatabaseSpec db = spec.getDatabase();
            SqlIdentifier queue = SqlIdentifier.of("spec.queue.table", spec.getQueue().getTable());
            String dead = spec.getQueue().getDeadLetterTable() != null ? spec.getQueue().getDeadLetterTable()
                    : QueueSchema.defaultDeadLetterTable(queue).name();
            String url = "jdbc:mysql://" + db.getHost() + ":" + db.getPort() + "/" + db.getSchema();
            return new TenantsFile.Entry(key, tenantName, url, workerUser, workerPassword, queue.name(), dead);
        }
    }

    /** A spec reference that does not resolve; {@code condition} and {@code reason} go into status. */
    static final class InputProblem extends Exception {
        private final String condition;
        private final String reason;

        InputProblem(String condition, String reason, String message) {
            super(message);
            this.condition = condition;
            this.reason = reason;
        }

        String condition() {
            return condition;
        }

        String reason() {
            return reason;
        }
    }

    Resolved resolve(WorkerPool pool) throws InputProblem {
        String namespace = tenant.getMetadata().getNamespace();
        String poolName = tenant.getSpec().getPool().getName();
        if (pool == null) {
            throw new InputProblem(TenantStatusBuilder.REGISTERED_WITH_POOL, "PoolNotFound", "WorkerPool '" + poolName
                    + "' not found in namespace '" + namespace + "': create it or fix spec.pool.name");
        }
        String host = pool.getSpec().getWake().getAdvertisedAddress();
        if (host == null) {
            PoolNames names = PoolNames.of(pool);
            Service service = client.services().inNamespace(namespace).withName(names.wakeService()).get();
            host = service == null || service.getSpec() == null ? null : service.getSpec().getClusterIP();
            if (host == null || host.isEmpty() || "None".equals(host)) {
                throw new InputProblem(TenantStatusBuilder.REGISTERED_WITH_POOL, "WakeAddressPending", "Service '"
                        + names.wakeService() + "' has no cluster IP yet; the WorkerPool reconcile creates it");
            }
        }
        return withCredentials(host, pool.getSpec().getWake().getPort());
    }

    /** For removal only the credentials matter; the wake target is a placeholder nothing is sent to. */
    Resolved resolveForUninstall(WorkerPool pool) throws InputProblem {
        return withCredentials("127.0.0.1", pool == null ? 8686 : pool.getSpec().getWake().getPort());
    }

    private Resolved withCredentials(String wakeHost, int wakePort) throws InputProblem {
        DatabaseSpec db = tenant.getSpec().getDatabase();
        CredentialsReference operator = db.getCredentials();
        String[] op = read(operator, "spec.database.credentials");
        String[] worker = db.getWorkerCredentials() == null ? op
                : read(db.getWorkerCredentials(), "spec.database.workerCredentials");
        return new Resolved(tenant.getSpec(), wakeHost, wakePort, op[0], op[1], worker[0], worker[1],
                tenantName(tenant), functionVersion);
    }

    /** The relay's replication account and the Secret it came from (which, with the server, names the relay). */
    record RelayAccount(String secretName, String user, String password) {
        @Override
        public String toString() {
            return "RelayAccount[" + secretName + ", user=" + user + "]";
        }
    }

    /** spec.wake.relayCredentials, else spec.database.credentials. */
    RelayAccount relayAccount() throws InputProblem {
        var wake = tenant.getSpec().getWake();
        boolean own = wake != null && wake.getRelayCredentials() != null;
        CredentialsReference ref = own ? wake.getRelayCredentials() : tenant.getSpec().getDatabase().getCredentials();
        String[] account = read(ref, own ? "spec.wake.relayCredentials" : "spec.database.credentials");
        return new RelayAccount(ref.getSecretName(), account[0], account[1]);
    }

    private String[] read(CredentialsReference ref, String field) throws InputProblem {
        String namespace = tenant.getMetadata().getNamespace();
        Secret secret = client.secrets().inNamespace(namespace).withName(ref.getSecretName()).get();
        if (secret == null) {
            throw new InputProblem(TenantStatusBuilder.DATABASE_REACHABLE, "CredentialsSecretMissing", "Secret '"
                    + ref.getSecretName() + "' (" + field + ".secretName) not found in namespace '" + namespace + "'");
        }
        return new String[] {value(secret, ref.getUsernameKey(), field + ".usernameKey"),
                value(secret, ref.getPasswordKey(), field + ".passwordKey")};
    }

    private static String value(Secret secret, String key, String field) throws InputProblem {
        String encoded = secret.getData() == null ? null : secret.getData().get(key);
        if (encoded == null && secret.getStringData() != null) {
            return secret.getStringData().get(key);
        }
        if (encoded == null) {
            throw new InputProblem(TenantStatusBuilder.DATABASE_REACHABLE, "CredentialsKeyMissing", "Secret '"
                    + secret.getMetadata().getName() + "' has no key '" + key + "' (" + field + ")");
        }
        return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    }
}
