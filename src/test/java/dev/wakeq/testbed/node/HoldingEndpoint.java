package dev.wakeq.testbed.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An HTTP endpoint on the node address (inside the node's network namespace, where pods reach it as they reach the
 * database) that answers every request 200 only once {@link #release()} was called: a worker pool whose Http
 * handler posts to it keeps its handler threads busy for as long as a test wants, which is real load to the
 * autoscaler. One socat (a process this test started and stops by its PID); each connection's shell waits for the
 * release file, so nothing here depends on how long the test takes.
 */
public final class HoldingEndpoint implements AutoCloseable {

    private final Process socat;
    private final Path releaseFile;
    private final String url;

    private HoldingEndpoint(Process socat, Path releaseFile, String url) {
        this.socat = socat;
        this.releaseFile = releaseFile;
        this.url = url;
    }

    public static HoldingEndpoint start(RealNode node, int port) {
        try {
            Path dir = Files.createTempDirectory(node.dir(), "hold");
            Path release = dir.resolve("released");
            // A file: socat would split an inline command at its ':' and ',' (address syntax).
            Path answer = dir.resolve("answer.sh");
            Files.writeString(answer, "until [ -e " + release + " ]; do sleep 0.1; done\n"
                    + "printf 'HTTP/1.1 200 OK\\r\\nContent-Length: 0\\r\\nConnection: close\\r\\n\\r\\n'\n");
            Process p = new ProcessBuilder("ip", "netns", "exec", node.netns(), "socat",
                    "TCP-LISTEN:" + port + ",bind=" + node.nodeIp() + ",reuseaddr,fork", "SYSTEM:sh " + answer)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("socat.log").toFile()).start();
            return new HoldingEndpoint(p, release, "http://" + node.nodeIp() + ":" + port + "/hold");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return url;
    }

    /** Every request waiting now, and every later one, is answered 200. */
    public void release() {
        try {
            if (!Files.exists(releaseFile)) {
                Files.createFile(releaseFile);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        release();
        socat.destroy();
    }
}
