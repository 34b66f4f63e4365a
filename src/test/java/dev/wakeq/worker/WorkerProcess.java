package dev.wakeq.worker;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code WorkerMain} as a child JVM, as systemd would run it: so a test can kill it with SIGKILL. */
final class WorkerProcess implements AutoCloseable {

    private final Process process;
    final int port;
    final Path log;

    private WorkerProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts a worker with an HTTP handler and waits until its TCP wake port accepts connections. */
    static WorkerProcess start(Path tenantsFile, int port, String handlerUrl, Path stateDir) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
                WorkerMain.class.getName(), "--tenants-file=" + tenantsFile, "--port=" + port, "--handler=http",
                "--handler-url=" + handlerUrl, "--handler-timeout-seconds=50", "--metrics-port=0",
                "--shutdown-delay-seconds=0", "--idle-timeout-seconds=1", "--state-dir=" + stateDir));
        Path log = Files.createTempFile("wakeq-worker", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        WorkerProcess w = new WorkerProcess(p, port, log);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("worker exited " + p.exitValue() + ":\n" + Files.readString(log));
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return w;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        w.kill();
        throw new IllegalStateException("worker did not listen within 60 s:\n" + Files.readString(log));
    }

    /** A port free for both UDP and TCP on loopback right now. */
    static int freePort() throws IOException {
        for (int i = 0; i < 20; i++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                 DatagramSocket udp = new DatagramSocket(tcp.getLocalPort(), InetAddress.getLoopbackAddress())) {
                return tcp.getLocalPort();
            } catch (IOException taken) {
                // The UDP port was in use: try another.
            }
        }
        throw new IOException("no free port for UDP and TCP");
    }

    /** SIGKILL, as the OOM killer or kill -9 would: no shutdown hook, no release of claims. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.destroy();
            process.waitFor();
        }
        Files.deleteIfExists(log);
    }
}
