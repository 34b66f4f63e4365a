package dev.wakeq.operator;

import static org.awaitility.Awaitility.await;

import dev.wakeq.operator.config.OperatorConfig;
import dev.wakeq.operator.crd.CredentialsReference;
import dev.wakeq.operator.crd.DatabaseSpec;
import dev.wakeq.operator.crd.PoolReference;
import dev.wakeq.operator.crd.QueueTenant;
import dev.wakeq.operator.crd.QueueTenantSpec;
import dev.wakeq.operator.crd.WorkerPool;
import dev.wakeq.operator.crd.WorkerPoolSpec;
import dev.wakeq.operator.metrics.OperatorMetrics;
import dev.wakeq.operator.pool.Autoscaler;
import dev.wakeq.operator.pool.WorkerPoolReconciler;
import dev.wakeq.operator.pool.WorkerReports;
import dev.wakeq.operator.tenant.PoolRegistry;
import dev.wakeq.operator.tenant.QueueTenantReconciler;
import dev.wakeq.operator.tenant.WakeSightings;
import dev.wakeq.operator.tenant.WorkerAcks;
import dev.wakeq.queue.QueueSchema;
import dev.wakeq.sql.SqlIdentifier;
import dev.wakeq.testbed.DbServer;
import dev.wakeq.testbed.TestDatabases;
import dev.wakeq.testbed.TestSchema;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Builds pools, tenants and their databases for operator tests. Every pool advertises a loopback address: the
 * trigger and the sweep event really send, and tests must never send to a cluster IP (a private range).
 */
public final class OperatorFixture {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(OperatorFixture.class);

    public final KubernetesClient client;
    public final String namespace;

    public OperatorFixture(KubernetesClient client, String prefix) {
        this.client = client;
        this.namespace = prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata()
                .build()).create();
    }

    public WorkerPool pool(String name, String advertisedAddress, int port) {
        return pool(name, advertisedAddress, port, spec -> { });
    }

    /** A pool with the spec changed by {@code tune} before it is created. */
    public WorkerPool pool(String name, String advertisedAddress, int port, Consumer<WorkerPoolSpec> tune) {
        WorkerPool pool = new WorkerPool();
        pool.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        WorkerPoolSpec spec = new WorkerPoolSpec();
        spec.setImage("ghcr.io/wakeq/wakeq-operator:test");
        spec.getWake().setAdvertisedAddress(advertisedAddress);
        spec.getWake().setPort(port);
        tune.accept(spec);
        pool.setSpec(spec);
        return client.resource(pool).create();
    }

    public void credentials(String secretName, String user, String password) {
        client.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName(secretName)
                .endMetadata().addToStringData("username", user).addToStringData("password", password).build())
                .create();
    }

    public QueueTenant tenant(String name, String pool, DbServer db, String schema, String secretName) {
        return tenant(name, pool, db, schema, secretName, null);
    }

    /** A tenant whose workers log in with {@code workerSecretName} (null: the operator's credentials). */
    public QueueTenant tenant(String name, String pool, DbServer db, String schema, String secretName,
                              String workerSecretName) {
        return tenant(name, pool, db, schema, secretName, workerSecretName, spec -> { });
    }

    /** A tenant with the spec changed by {@code tune} before it is created. */
    public QueueTenant tenant(String name, String pool, DbServer db, String schema, String secretName,
                              String workerSecretName, Consumer<QueueTenantSpec> tune) {
        QueueTenant tenant = new QueueTenant();
        tenant.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        QueueTenantSpec spec = new QueueTenantSpec();
        DatabaseSpec database = new DatabaseSpec();
        database.setHost(db.host());
        database.setPort(db.port());
        database.setSchema(schema);
        CredentialsReference ref = new CredentialsReference();
        ref.setSecretName(secretName);
        database.setCredentials(ref);
        if (workerSecretName != null) {
            CredentialsReference worker = new CredentialsReference();
            worker.setSecretName(workerSecretName);
            database.setWorkerCredentials(worker);
        }
        spec.setDatabase(database);
        PoolReference poolRef = new PoolReference();
        poolRef.setName(pool);
        spec.setPool(poolRef);
        spec.getSweep().setIntervalMinutes(60);
        spec.getFunction().setVersion(TestDatabases.udfVersion());
        tune.accept(spec);
        tenant.setSpec(spec);
        return client.resource(tenant).create();
    }

    /**
     * The common start of a test: pool {@code pool} advertising loopback on {@code wakePort}, the operator's
     * credentials in Secret {@code db}, and tenant {@code name} on a fresh queue schema, awaited until Ready.
     */
    public TestSchema readyTenant(DbServer db, String schemaPrefix, String name, int wakePort, Duration wait)
            throws Exception {
        TestSchema schema = queueSchema(db, schemaPrefix);
        pool("pool", "127.0.0.1", wakePort);
        credentials("db", DbServer.OPERATOR_USER, DbServer.OPERATOR_PASSWORD);
        tenant(name, "pool", db, schema.name(), "db");
        await().atMost(wait).until(() -> conditionIs(name, "Ready", "True", null));
        return schema;
    }

    public QueueTenant get(String tenant) {
        return client.resources(QueueTenant.class).inNamespace(namespace).withName(tenant).get();
    }

    public Optional<Condition> condition(String tenant, String type) {
        QueueTenant t = get(tenant);
        if (t == null || t.getStatus() == null) {
            return Optional.empty();
        }
        return t.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    public Optional<Condition> poolCondition(String pool, String type) {
        WorkerPool p = client.resources(WorkerPool.class).inNamespace(namespace).withName(pool).get();
        if (p == null || p.getStatus() == null || p.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return p.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    /** The Events recorded on one object of this namespace, oldest first. */
    public List<Event> events(String kind, String name) {
        return client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> kind.equals(e.getInvolvedObject().getKind()) && name.equals(e.getInvolvedObject().getName()))
                .sorted(Comparator.comparing(e -> e.getMetadata().getName())).toList();
    }

    /** Whether an Event of that type and reason was recorded on the object, its message containing {@code text}. */
    public boolean hasEvent(String kind, String name, String type, String reason, String text) {
        return events(kind, name).stream().anyMatch(e -> type.equals(e.getType()) && reason.equals(e.getReason())
                && e.getMessage().contains(text));
    }

    public boolean conditionIs(String tenant, String type, String status, String reason) {
        return condition(tenant, type).filter(c -> status.equals(c.getStatus())
                && (reason == null || reason.equals(c.getReason()))).isPresent();
    }

    /** A schema with the default queue table and the function's library in the server's plugin dir. */
    public static TestSchema queueSchema(DbServer db, String prefix) throws Exception {
        if (!Files.exists(db.pluginDir().resolve(TestDatabases.udfLibrary(TestDatabases.udfVersion()).getFileName()))) {
            db.installLibrary(TestDatabases.udfLibrary(TestDatabases.udfVersion()));
        }
        TestSchema schema = db.newSchema(prefix);
        try (Connection c = schema.root(); Statement s = c.createStatement()) {
            SqlIdentifier queue = SqlIdentifier.of("queue table", "_queue");
            s.execute(QueueSchema.createQueueTable(queue));
            s.execute(QueueSchema.createDeadLetterTable(QueueSchema.defaultDeadLetterTable(queue)));
        }
        return schema;
    }

    /** The body of a trigger, or empty when the trigger does not exist. Asks about the one named trigger. */
    public static Optional<String> triggerBody(TestSchema schema, String trigger) throws SQLException {
        try (Connection c = schema.root(); PreparedStatement ps = c.prepareStatement(
                "SELECT ACTION_STATEMENT FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? AND TRIGGER_NAME = ?")) {
            ps.setString(1, schema.name());
            ps.setString(2, trigger);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    public static boolean eventExists(TestSchema schema, String event) throws SQLException {
        try (Connection c = schema.root(); PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ? AND EVENT_NAME = ?")) {
            ps.setString(1, schema.name());
            ps.setString(2, event);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * A new operator as a new pod would start it: fresh reconcilers and empty caches, the given settings, a plain
     * JOSDK {@link Operator} (one Quarkus application cannot run two), no leader election. Not started yet.
     */
    public static Operator successor(KubernetesClient client, OperatorConfig config, OperatorMetrics metrics) {
        // JOSDK's default answer to a failed informer is System.exit: in a test that ends the test JVM.
        Operator next = new Operator(o -> o.withKubernetesClient(client).withCloseClientOnStop(false)
                .withInformerStoppedHandler((informer, error) -> LOG.warnf("informer stopped: %s", error)));
        PoolRegistry registry = new PoolRegistry(client);
        WakeSightings sightings = new WakeSightings();
        next.register(new QueueTenantReconciler(config, metrics, registry, sightings, new WorkerAcks(new WorkerReports())));
        next.register(new WorkerPoolReconciler(metrics, config, new WorkerReports(), new Autoscaler(), sightings,
                registry));
        return next;
    }

    /** A port free for both UDP and TCP on the pod address: other test runs share this machine's loopback. */
    public static int freeWakePort(InetAddress address) throws IOException {
        for (int i = 0; i < 20; i++) {
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(address, 0));
                 ServerSocket tcp = new ServerSocket()) {
                tcp.bind(new InetSocketAddress(address, udp.getLocalPort()));
                return udp.getLocalPort();
            } catch (IOException taken) {
                // The TCP side of that port is in use; try another.
            }
        }
        throw new IOException("no port free for both UDP and TCP on " + address);
    }

    public static long rows(TestSchema schema, String table) throws SQLException {
        try (Connection c = schema.root(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM `" + table + "`")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
