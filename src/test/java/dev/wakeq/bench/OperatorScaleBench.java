package dev.wakeq.bench;

import dev.wakeq.operator.OperatorFixture;
import dev.wakeq.operator.crd.QueueTenant;
import dev.wakeq.testbed.DbServer;
import dev.wakeq.testbed.TestDatabases;
import dev.wakeq.testbed.TestSchema;
import dev.wakeq.testbed.kube.KubeApiServers;
import dev.wakeq.testbed.kube.OperatorTestResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

/**
 * The operator at scale: N QueueTenants (default 1,000) on one MariaDB server and the real kube-apiserver. Runs
 * the packaged operator ({@code target/quarkus-app}) as its own process, as a cluster would, and prints: time from
 * the first create until every tenant is Ready, the operator's resident memory and heap once they are, and the
 * SQL it sent per reconcile (from the server's general log), with every statement that reads
 * {@code information_schema} checked for a filter on schema and name. Prints numbers; asserts nothing.
 * Run it with {@code scripts/scale-bench.sh}.
 */
public final class OperatorScaleBench {

    private static final Pattern LITERAL = Pattern.compile("'[^']*'|`[^`]*`|\\b\\d+\\b");
    /** The operator's JVM options; the environment (e.g. MALLOC_ARENA_MAX) is passed on as it is. */
    private static final List<String> OPERATOR_JVM = List.of(
            System.getenv().getOrDefault("WAKEQ_SCALE_JVM_OPTS", "-Xmx192m").trim().split("\\s+"));

    private final int tenants;
    private final DbServer db;
    private final KubernetesClient client;
    private final HttpClient http = HttpClient.newHttpClient();
    private Process operator;
    private int httpPort;

    private OperatorScaleBench(int tenants, DbServer db, KubernetesClient client) {
        this.tenants = tenants;
        this.db = db;
        this.client = client;
    }

    public static void main(String[] args) throws Exception {
        int tenants = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        System.out.printf("wakeq operator scale benchmark: %d QueueTenants, one %s server, kube-apiserver %s%n",
                tenants, "MariaDB", KubeApiServers.VERSION);
        new OperatorTestResource().start(); // the CRDs, Established
        KubeApiServers.RunningKubeApiServer kube = KubeApiServers.shared();
        try (KubernetesClient client = kube.newClient()) {
            OperatorScaleBench bench = new OperatorScaleBench(tenants, TestDatabases.mariadb(), client);
            try {
                bench.run(kube.kubeconfigFile());
            } finally {
                bench.stopOperator();
            }
        }
        System.exit(0); // the shared servers stop with the JVM
    }

    private void run(Path kubeconfig) throws Exception {
        List<TestSchema> schemas = createSchemas();
        startOperator(kubeconfig);
        OperatorFixture f = new OperatorFixture(client, "scale");
        f.pool("pool", "127.0.0.1", 18686);
        f.credentials("db", DbServer.OPERATOR_USER, DbServer.OPERATOR_PASSWORD);
        generalLog(true);

        long start = System.nanoTime();
        ExecutorService creators = Executors.newFixedThreadPool(8);
        List<Future<?>> created = new ArrayList<>();
        for (int i = 0; i < tenants; i++) {
            String name = "t" + i;
            String schema = schemas.get(i).name();
            created.add(creators.submit(() -> f.tenant(name, "pool", db, schema, "db")));
        }
        for (Future<?> c : created) {
            c.get();
        }
        creators.shutdown();
        double createdAfter = seconds(start);

        int ready = 0;
        long lastReport = 0;
        while (ready < tenants && seconds(start) < 600) {
            Thread.sleep(1000);
            ready = countReady(f.namespace);
            if (System.nanoTime() - lastReport > 10_000_000_000L) {
                lastReport = System.nanoTime();
                System.out.printf("  %5.0f s: %d of %d Ready, operator RSS %d MiB%n", seconds(start), ready, tenants,
                        rssKib() / 1024);
            }
        }
        double readyAfter = seconds(start);
        generalLog(false);
        System.out.printf("created %d QueueTenants in %.1f s; %d of %d Ready %.1f s after the first create%n",
                tenants, createdAfter, ready, tenants, readyAfter);

        Map<String, Double> metrics = metrics();
        Files.writeString(Path.of(System.getProperty("wakeq.project.dir", "."), "target/scale-bench-metrics.txt"),
                get("/q/metrics"));
        double reconciles = sum(metrics, "reconciliations_started_total", "queuetenant");
        System.out.printf("operator process (%s): RSS %d MiB, heap used %.0f MiB (committed %.0f MiB) with all Ready%n",
                String.join(" ", OPERATOR_JVM), rssKib() / 1024, sum(metrics, "jvm_memory_used_bytes", "area=\"heap\"") / 1048576,
                sum(metrics, "jvm_memory_committed_bytes", "area=\"heap\"") / 1048576);
        ShardFigures.print(client, f, "pool", db);
        Thread.sleep(30_000);
        System.out.printf("operator RSS 30 s later (steady state, re-checks every 5 min): %d MiB, %d threads%n",
                rssKib() / 1024, threads());
        queriesPerReconcile(reconciles);
    }

    private List<TestSchema> createSchemas() throws Exception {
        long start = System.nanoTime();
        List<TestSchema> schemas = new ArrayList<>();
        for (int i = 0; i < tenants; i++) {
            schemas.add(OperatorFixture.queueSchema(db, "scale"));
        }
        System.out.printf("set-up: %d tenant schemas with queue and dead-letter tables in %.1f s (not measured)%n",
                tenants, seconds(start));
        return schemas;
    }

    private void startOperator(Path kubeconfig) throws Exception {
        Path dir = Path.of(System.getProperty("wakeq.project.dir", ".")).toAbsolutePath();
        Path jar = dir.resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build it with ./mvnw package -DskipTests");
        }
        try (ServerSocket s = new ServerSocket(0)) {
            httpPort = s.getLocalPort();
        }
        Path log = dir.resolve("target/scale-bench-operator.log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(OPERATOR_JVM);
        command.addAll(List.of("-Dkubeconfig=" + kubeconfig, "-Dquarkus.http.port=" + httpPort, "-jar", jar.toString()));
        operator = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long start = System.nanoTime();
        while (!ready()) {
            if (!operator.isAlive() || seconds(start) > 60) {
                throw new IllegalStateException("operator did not become ready; see " + log);
            }
            Thread.sleep(200);
        }
        System.out.printf("operator started in %.1f s (pid %d, log %s)%n", seconds(start), operator.pid(), log);
    }

    private boolean ready() {
        try {
            return get("/q/health/ready").contains("\"UP\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** SIGTERM, as Kubernetes sends it; prints how long the operator took to end. */
    private void stopOperator() throws InterruptedException {
        if (operator != null && operator.isAlive()) {
            long start = System.nanoTime();
            operator.destroy();
            if (operator.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                System.out.printf("operator ended %.1f s after SIGTERM (exit code %d)%n", seconds(start),
                        operator.exitValue());
            } else {
                System.out.println("operator still running 30 s after SIGTERM: killed");
                operator.destroyForcibly().waitFor();
            }
        }
    }

    private String get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private Map<String, Double> metrics() throws IOException, InterruptedException {
        Map<String, Double> values = new TreeMap<>();
        for (String line : get("/q/metrics").split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                int space = line.lastIndexOf(' ');
                values.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return values;
    }

    private static double sum(Map<String, Double> metrics, String name, String labelPart) {
        return metrics.entrySet().stream()
                .filter(e -> (e.getKey().startsWith(name + "{") || e.getKey().equals(name))
                        && e.getKey().contains(labelPart))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    private long rssKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(operator.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    private long threads() {
        try (var tasks = Files.list(Path.of("/proc", Long.toString(operator.pid()), "task"))) {
            return tasks.count();
        } catch (IOException e) {
            return -1;
        }
    }

    private int countReady(String namespace) {
        return (int) client.resources(QueueTenant.class).inNamespace(namespace).list().getItems().stream()
                .filter(t -> t.getStatus() != null && t.getStatus().getConditions() != null
                        && t.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
                .count();
    }

    private void generalLog(boolean on) throws Exception {
        try (Connection c = db.rootConnection(); Statement s = c.createStatement()) {
            if (on) {
                s.execute("TRUNCATE TABLE mysql.general_log");
                s.execute("SET GLOBAL log_output = 'TABLE'");
            }
            s.execute("SET GLOBAL general_log = " + (on ? "ON" : "OFF"));
        }
    }

    /** Statements the operator's database user sent while the tenants became Ready, by shape. */
    private void queriesPerReconcile(double reconciles) throws Exception {
        Map<String, Integer> shapes = new TreeMap<>();
        int statements = 0;
        int catalogReads = 0;
        int unfiltered = 0;
        try (Connection c = db.rootConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT CONVERT(argument USING utf8mb4) FROM mysql.general_log"
                     + " WHERE command_type IN ('Query', 'Execute') AND user_host LIKE '"
                     + DbServer.OPERATOR_USER + "[%'")) {
            while (rs.next()) {
                String sql = rs.getString(1).strip().replaceAll("\\s+", " ");
                statements++;
                String lower = sql.toLowerCase();
                if (lower.contains("information_schema") || lower.contains("mysql.func")) {
                    catalogReads++;
                    boolean bySchema = lower.matches(".*(_schema|\\bdb)\\s*=.*");
                    boolean byName = lower.matches(".*(_name|\\bname)\\s*(=|in\\b).*");
                    if (!(bySchema && byName) && !lower.contains("mysql.func")) {
                        unfiltered++;
                        System.out.println("  NOT filtered by schema and name: " + sql);
                    }
                }
                shapes.merge(shape(sql), 1, Integer::sum);
            }
        }
        System.out.printf("SQL from the operator's user until all were Ready: %d statements, %.1f per tenant, %s; "
                        + "%d catalog reads, %d of them not filtered by schema and name%n",
                statements, (double) statements / tenants, reconciles == 0 ? "reconciles not counted (no JOSDK meter)"
                        : String.format("%.0f QueueTenant reconciles = %.1f per reconcile", reconciles,
                        statements / reconciles), catalogReads, unfiltered);
        System.out.println("statement shapes (literals replaced by ?), most frequent first:");
        shapes.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(25)
                .forEach(e -> System.out.printf("  %6d  %s%n", e.getValue(),
                        e.getKey().length() > 150 ? e.getKey().substring(0, 150) + "..." : e.getKey()));
    }

    private static String shape(String sql) {
        return LITERAL.matcher(sql).replaceAll("?");
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
