package dev.wakeq.testbed.kube;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
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

    private static RunningKubeApiServer shared;
    private static RuntimeException startFailure;

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
    public static synchronized RunningKubeApiServer shared() {
        if (shared == null) {
            ClassLoader system = ClassLoader.getSystemClassLoader();
            shared = KubeApiServers.class.getClassLoader() == system
                    ? startOnce()
                    : RunningKubeApiServer.fromFile(Path.of(startInSystemClassLoader(system)));
        }
        return shared;
    }

    /**
     * Quarkus loads test classes in its own class loader, so a {@code @QuarkusTest} sees another copy of this
     * class, and closes that loader after the test class: a shutdown hook from there can no longer load what it
     * needs, and the server outlived the JVM. So the server and its hook belong to the copy in the system class
     * loader, and other copies ask that one for the kubeconfig file.
     */
    private static String startInSystemClassLoader(ClassLoader system) {
        Thread thread = Thread.currentThread();
        ClassLoader quarkusLoader = thread.getContextClassLoader();
        // Fabric8 finds its model classes through the context class loader; they must come from the same loader.
        thread.setContextClassLoader(system);
        try {
            Method start = Class.forName(KubeApiServers.class.getName(), true, system)
                    .getDeclaredMethod("kubeconfigFileOfSharedServer");
            start.setAccessible(true);
            return (String) start.invoke(null);
        } catch (InvocationTargetException e) {
            // Rethrown as is, so a skip (JUnit's TestAbortedException, loaded parent-first) stays a skip.
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot reach " + KubeApiServers.class.getName()
                    + " in the system class loader", e);
        } finally {
            thread.setContextClassLoader(quarkusLoader);
        }
    }

    /** Called in the system class loader's copy, by reflection from the other copies. */
    private static String kubeconfigFileOfSharedServer() {
        return shared().kubeconfigFile().toString();
    }

    private static RunningKubeApiServer startOnce() {
        Optional<String> missing = missingBinaries();
        if (missing.isPresent()) {
            if (isCi()) {
                throw new IllegalStateException("CI=true and " + missing.get());
            }
            Assumptions.abort(missing.get());
        }
        // Later tests fail fast with the first cause instead of waiting out the timeout again.
        if (startFailure != null) {
            throw new IllegalStateException("the kube-apiserver failed to start earlier in this JVM", startFailure);
        }
        try {
            return start();
        } catch (RuntimeException e) {
            startFailure = e;
            throw e;
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
        // Registered before anything can fail: no path may leave etcd or kube-apiserver running after the JVM.
        Thread cleanUp = new Thread(() -> {
            stopQuietly(server);
            deleteRecursively(dir);
        }, "kube-apiserver-stop");
        Runtime.getRuntime().addShutdownHook(cleanUp);
        long started = System.nanoTime();
        try {
            server.start();
            RunningKubeApiServer running = RunningKubeApiServer.writeTo(dir.resolve("kubeconfig"),
                    server.getKubeConfigYaml());
            System.err.printf("kube-apiserver %s started in %d ms for this test JVM (%s)%n", VERSION,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), running.url());
            return running;
        } catch (RuntimeException | Error e) {
            Runtime.getRuntime().removeShutdownHook(cleanUp);
            cleanUp.run();
            throw new IllegalStateException("kube-apiserver " + VERSION + " from " + binaryDir()
                    + " did not start: " + e + "\n--- last lines of etcd/kube-apiserver output ---\n"
                    + logTail.lastLines(), e);
        }
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
