package dev.wakeq.testbed.node;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The real one-node Kubernetes of the test bed ({@code scripts/testbed/node/up.sh}): one per test JVM, started
 * on first use with the images {@code scripts/images.sh} built, torn down ({@code down.sh}) at JVM exit, also
 * when tests failed. Host-side clients reach its API server and database through proxies on 127.0.0.1.
 */
public final class RealNode {

    private static final long UP_TIMEOUT_SECONDS = 600;
    private static final long DOWN_TIMEOUT_SECONDS = 180;
    private static RealNode shared;
    private static RuntimeException startFailure;

    private final Path dir;
    private final Map<String, String> env;

    private RealNode(Path dir, Map<String, String> env) {
        this.dir = dir;
        this.env = env;
    }

    /** The run's node: started by the first caller, which waits (minutes at most); failures are remembered. */
    public static synchronized RealNode shared() {
        if (startFailure != null) {
            throw startFailure;
        }
        if (shared == null) {
            try {
                String running = System.getenv("WAKEQ_NODE_DIR");
                shared = running == null || running.isBlank() ? start() : attach(Path.of(running));
            } catch (RuntimeException e) {
                startFailure = e;
                throw e;
            }
        }
        return shared;
    }

    public static boolean isCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Why the node cannot start here, or empty. Cheap: no process is started but the binaries' check. */
    public static Optional<String> missingPrerequisites() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.of("the real node needs root (network namespace, containerd, kubelet)");
        }
        for (Path p : List.of(Images.wakeq(), Images.udf(), Images.udfLibrary())) {
            if (!Files.isRegularFile(p)) {
                return Optional.of(p + " is missing: run scripts/images.sh (and make -C udf-image)");
            }
        }
        try {
            Process check = new ProcessBuilder("bash", script("kube-apiserver.sh").toString(), "--node", "--check")
                    .redirectErrorStream(true).start();
            String out = new String(check.getInputStream().readAllBytes());
            return check.waitFor() == 0 ? Optional.empty() : Optional.of(out.strip());
        } catch (IOException e) {
            return Optional.of("cannot run kube-apiserver.sh --check: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }

    private static RealNode start() {
        // Short and fresh: MariaDB's socket path must stay under 108 bytes.
        Path dir = Path.of("/tmp", "wakeq-node-" + UUID.randomUUID().toString().substring(0, 8));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> down(dir), "real-node-down"));
        Path log = dir.resolve("up.log");
        try {
            Files.createDirectories(dir);
            ProcessBuilder pb = new ProcessBuilder("bash", script("node/up.sh").toString(),
                    Images.wakeq().toString(), Images.udf().toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("NODE_DIR", dir.toString());
            pb.environment().put("WAKEQ_UDF_LIBS", Images.udfLibrary().toString());
            Process up = pb.start();
            if (!up.waitFor(UP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                up.destroyForcibly();
                throw new IllegalStateException("up.sh did not finish in " + UP_TIMEOUT_SECONDS + " s\n" + read(log));
            }
            if (up.exitValue() != 0) {
                throw new IllegalStateException("the real node did not come up (up.sh exit " + up.exitValue()
                        + "):\n" + read(log));
            }
            Map<String, String> env = readEnv(dir.resolve("env"));
            env.putAll(readEnv(dir.resolve("db/credentials")));
            System.out.println(read(log));
            return new RealNode(dir, env);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A node someone else brought up (NODE_DIR=DIR up.sh) and will tear down: for debugging a test by hand. */
    private static RealNode attach(Path dir) {
        try {
            Map<String, String> env = readEnv(dir.resolve("env"));
            env.putAll(readEnv(dir.resolve("db/credentials")));
            return new RealNode(dir, env);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void down(Path dir) {
        try {
            ProcessBuilder pb = new ProcessBuilder("bash", script("node/down.sh").toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("down.log").toFile()));
            pb.environment().put("NODE_DIR", dir.toString());
            Process p = pb.start();
            if (!p.waitFor(DOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (IOException | InterruptedException e) {
            System.err.println("real node teardown failed: " + e);
        }
    }

    static Path script(String name) {
        return Images.projectDir().resolve("scripts/testbed").resolve(name);
    }

    private static Map<String, String> readEnv(Path file) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return env;
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "(no " + file + ")";
        } catch (IOException e) {
            return "(" + file + ": " + e + ")";
        }
    }

    public Path dir() {
        return dir;
    }

    /** A kubeconfig for host-side clients (cluster admin). */
    public Path kubeconfig() {
        return Path.of(env.get("KUBECONFIG"));
    }

    public KubernetesClient newClient() {
        return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(read(kubeconfig()))).build();
    }

    /** Runs kubectl against the node as a user would; returns its output, fails with it on a non-zero exit. */
    public String kubectl(String... args) {
        List<String> cmd = new ArrayList<>(List.of(env.get("KUBECTL"), "--kubeconfig", kubeconfig().toString()));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("kubectl " + String.join(" ", args) + " failed:\n" + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code ctr images tag}: a second name for an imported image, as a registry would serve a new tag. */
    public void tagImage(String source, String target) {
        run("ctr", "-a", dir.resolve("containerd/containerd.sock").toString(), "-n", "k8s.io", "images", "tag",
                "--force", source, target);
    }

    /**
     * The node namespace's conntrack entries for UDP to {@code address:port} ({@code conntrack -L}), one per line.
     * Its closing summary goes to stderr, which is left out: merged, it landed inside a flow's line.
     */
    public List<String> udpConntrack(String address, int port) {
        List<String> cmd = List.of("ip", "netns", "exec", env.get("NETNS"), "conntrack", "-L", "-p", "udp",
                "--orig-dst", address, "--dport", String.valueOf(port));
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + out);
            }
            return out.lines().filter(l -> l.startsWith("udp")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The host PID of a running container, as containerd knows it ({@code ctr tasks ls}). */
    public long containerPid(String containerId) {
        String id = containerId.replaceFirst("^containerd://", "");
        try {
            Process p = new ProcessBuilder("ctr", "-a", dir.resolve("containerd/containerd.sock").toString(),
                    "-n", "k8s.io", "tasks", "ls").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor(30, TimeUnit.SECONDS);
            return out.lines().map(l -> l.trim().split("\\s+")).filter(f -> f.length >= 2 && f[0].equals(id))
                    .mapToLong(f -> Long.parseLong(f[1])).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no task " + id + " in:\n" + out));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The node's network namespace (where every node process and the database run). */
    public String netns() {
        return env.get("NETNS");
    }

    /** The node address inside that namespace; pods reach it (the database listens there). */
    public String nodeIp() {
        return env.get("NODE_IP");
    }

    /** The database's name as pods resolve it (cluster DNS), and its port there. */
    public String dbHostInCluster() {
        return env.get("DB_HOST");
    }

    public int dbPortInCluster() {
        return Integer.parseInt(env.get("DB_PORT"));
    }

    public String operatorUser() {
        return env.get("DB_OPERATOR_USER");
    }

    public String operatorPassword() {
        return env.get("DB_OPERATOR_PASSWORD");
    }

    public String workerUser() {
        return env.get("DB_WORKER_USER");
    }

    public String workerPassword() {
        return env.get("DB_WORKER_PASSWORD");
    }

    /** Root on the tenants' database, from the host side; {@code schema} may be empty. */
    public Connection rootConnection(String schema) throws SQLException {
        return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + env.get("DB_HOST_PORT") + "/" + schema
                + "?useSSL=false&allowPublicKeyRetrieval=true", "root", "");
    }
}
