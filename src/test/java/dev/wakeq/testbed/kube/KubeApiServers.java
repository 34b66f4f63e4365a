package dev.wakeq.testbed.kube;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * One real kube-apiserver (with etcd) per test JVM, started on first use and stopped at JVM exit.
 *
 * <p>The binaries come from {@code scripts/testbed/kube-apiserver.sh}; nothing is downloaded. Without them a
 * test is skipped, except when {@code CI=true}: CI must prove things, so there it fails.
 */
public final class KubeApiServers {

    public static final String VERSION = "1.20.2";
    static final String BUILD_SCRIPT = "scripts/testbed/kube-apiserver.sh";
    /** kube-api-test's own bound on etcd + API server readiness; a broken server fails, never hangs. */
    private static final int STARTUP_TIMEOUT_MILLIS = 60_000;

    /*
     * Quarkus loads test classes in its own class loader, so a @QuarkusTest and a plain test see two copies of
     * this class and its statics. What must be one per JVM lives in system properties, guarded by an interned
     * string literal: the same monitor in every class loader.
     */
    private static final String JVM_WIDE_LOCK = "dev.wakeq.testbed.kube.KubeApiServers.lock";
    private static final String KUBECONFIG_FILE_PROPERTY = "wakeq.testbed.kube.kubeconfig-file";
    private static final String START_FAILURE_PROPERTY = "wakeq.testbed.kube.start-failure";

    private static RunningKubeApiServer shared;

    private KubeApiServers() {
    }

    /** Where the build script puts the binaries (the layout kube-api-test expects in offline mode). */
    public static Path binaryDir() {
        String base = Optional.ofNullable(System.getenv("KUBE_API_TEST_DIR"))
                .orElse(System.getProperty("user.home") + "/.kubeapitest");
        return Path.of(base, "k8s", VERSION + "-linux-amd64");
    }

    /** Why the server cannot be started here, or empty when the binaries are in place. */
    public static Optional<String> missingBinaries() {
        List<String> missing = Stream.of("kube-apiserver", "etcd", "kubectl")
                .filter(name -> !Files.isExecutable(binaryDir().resolve(name)))
                .toList();
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("no kube-apiserver " + VERSION + " binaries " + missing + " in " + binaryDir()
                + "; build them with: bash " + BUILD_SCRIPT + " (4-12 minutes, once per machine)");
    }

    static boolean isCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /**
     * The shared server, started if needed. Skips the calling test when the binaries are missing (fails on CI);
     * fails with the server's last log lines when it does not start.
     */
    public static RunningKubeApiServer shared() {
        synchronized (JVM_WIDE_LOCK) {
            if (shared != null) {
                return shared;
            }
            String startedByOtherLoader = System.getProperty(KUBECONFIG_FILE_PROPERTY);
            if (startedByOtherLoader != null) {
                shared = RunningKubeApiServer.fromFile(Path.of(startedByOtherLoader));
                return shared;
            }
            Optional<String> missing = missingBinaries();
            if (missing.isPresent()) {
                if (isCi()) {
                    throw new IllegalStateException("CI=true and " + missing.get());
                }
                Assumptions.abort(missing.get());
            }
            // Later tests fail fast with the first cause instead of waiting out the timeout again.
            String earlierFailure = System.getProperty(START_FAILURE_PROPERTY);
            if (earlierFailure != null) {
                throw new IllegalStateException("the kube-apiserver failed to start earlier in this JVM: "
                        + earlierFailure);
            }
            try {
                shared = start();
            } catch (RuntimeException e) {
                System.setProperty(START_FAILURE_PROPERTY, String.valueOf(e.getMessage()));
                throw e;
            }
            System.setProperty(KUBECONFIG_FILE_PROPERTY, shared.kubeconfigFile().toString());
            return shared;
        }
    }

    private static RunningKubeApiServer start() {
        checkVersion();
        ProcessLogTail logTail = ProcessLogTail.attach();
        Path dir = privateTestDir();
        KubeAPIServer server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withTestDir(dir.toString())
                .withApiServerVersion(VERSION)
                .withOfflineMode(true)
                .withUpdateKubeConfig(false)
                .withWaitForEtcdHealthCheckOnStartup(true)
                .withStartupTimeout(STARTUP_TIMEOUT_MILLIS)
                .build());
        long started = System.nanoTime();
        try {
            server.start();
        } catch (RuntimeException e) {
            stopQuietly(server);
            deleteRecursively(dir);
            throw new IllegalStateException("kube-apiserver " + VERSION + " from " + binaryDir()
                    + " did not start: " + e.getMessage() + "\n--- last lines of etcd/kube-apiserver output ---\n"
                    + logTail.lastLines(), e);
        }
        RunningKubeApiServer running = RunningKubeApiServer.writeTo(dir.resolve("kubeconfig"), server.getKubeConfigYaml());
        System.err.printf("kube-apiserver %s started in %d ms for this test JVM (%s)%n", VERSION,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), running.url());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopQuietly(server);
            deleteRecursively(dir);
        }, "kube-apiserver-stop"));
        return running;
    }

    /**
     * A binary that does not run at all (wrong architecture, truncated copy, another version) fails here in a
     * second with its own words, instead of after kube-api-test's readiness timeout.
     */
    private static void checkVersion() {
        Path binary = binaryDir().resolve("kube-apiserver");
        String output;
        try {
            Process process = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(binary + " --version did not answer within 10 s");
            }
            output = new String(process.getInputStream().readAllBytes()).strip();
        } catch (IOException e) {
            throw new IllegalStateException(binary + " does not run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking " + binary, e);
        }
        if (!output.contains("v" + VERSION)) {
            throw new IllegalStateException(binary + " --version said '" + output + "', expected v" + VERSION
                    + "; rebuild with: bash " + BUILD_SCRIPT);
        }
    }

    /**
     * kube-api-test keeps certificates in its test dir; a dir per JVM keeps concurrent test runs (other
     * worktrees, other modules) from sharing or racing on them, while the binaries are linked, not copied.
     */
    private static Path privateTestDir() {
        try {
            Path dir = Files.createTempDirectory("wakeq-kube-apiserver-");
            Files.createDirectories(dir.resolve("k8s"));
            Files.createSymbolicLink(dir.resolve("k8s").resolve(binaryDir().getFileName()), binaryDir());
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void stopQuietly(KubeAPIServer server) {
        try {
            server.stop();
        } catch (RuntimeException e) {
            System.err.println("stopping kube-apiserver: " + e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            // Deepest first; the binary link is removed itself, never followed.
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            System.err.println("cleaning " + dir + ": " + e);
        }
    }

    /** A started server: how to reach it. */
    public static final class RunningKubeApiServer {
        private final String kubeconfigYaml;
        private final Path kubeconfigFile;
        private final String url;

        private RunningKubeApiServer(String kubeconfigYaml, Path kubeconfigFile) {
            this.kubeconfigYaml = kubeconfigYaml;
            this.kubeconfigFile = kubeconfigFile;
            this.url = Config.fromKubeconfig(kubeconfigYaml).getMasterUrl();
        }

        static RunningKubeApiServer writeTo(Path kubeconfigFile, String kubeconfigYaml) {
            try {
                Files.writeString(kubeconfigFile, kubeconfigYaml);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new RunningKubeApiServer(kubeconfigYaml, kubeconfigFile);
        }

        static RunningKubeApiServer fromFile(Path kubeconfigFile) {
            try {
                return new RunningKubeApiServer(Files.readString(kubeconfigFile), kubeconfigFile);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public String kubeconfigYaml() {
            return kubeconfigYaml;
        }

        /** A kubeconfig file for tools and for Fabric8's {@code kubeconfig} system property; lives until JVM exit. */
        public Path kubeconfigFile() {
            return kubeconfigFile;
        }

        public String url() {
            return url;
        }

        /** A new client of this server; the caller closes it. */
        public KubernetesClient newClient() {
            return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfigYaml)).build();
        }
    }
}
