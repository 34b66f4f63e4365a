package dev.wakeq.worker;

import dev.wakeq.wire.DropReason;
import dev.wakeq.wire.WakeCodec;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Receives SWEEP wake-ups: a client connects, writes one line, closes. Each connection may take at most the read
 * timeout in total and send at most 128 bytes; a fixed number are served at once and the rest are closed
 * immediately, so slow or silent clients cannot tie up the worker.
 */
final class TcpWakeListener implements AutoCloseable {

    private final ServerSocket server;
    private final WakeIntake intake;
    private final long readTimeoutNanos;
    private final ThreadPoolExecutor connections;
    private final Thread acceptor;

    TcpWakeListener(InetSocketAddress address, Duration readTimeout, int maxConnections, WakeIntake intake)
            throws IOException {
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(address, 128);
        this.intake = intake;
        this.readTimeoutNanos = readTimeout.toNanos();
        this.connections = new ThreadPoolExecutor(0, maxConnections, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                DaemonThreads.named("wakeq-tcp"));
        this.acceptor = new Thread(this::acceptLoop, "wakeq-tcp-accept-" + port());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** False once the accepting thread has ended: closed, or killed by an error nothing caught. */
    boolean alive() {
        return acceptor.isAlive();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                continue;
            }
            try {
                connections.execute(() -> serve(socket));
            } catch (RejectedExecutionException e) {
                intake.drop(DropReason.OVERLOADED);
                closeQuietly(socket);
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            byte[] buf = new byte[WakeCodec.MAX_MESSAGE_BYTES + 1];
            int length = readMessage(socket, buf);
            if (length < 0) {
                intake.drop(DropReason.TIMEOUT);
            } else {
                intake.receive(buf, length, Transport.TCP, System.nanoTime());
            }
        } catch (IOException e) {
            // Reset by the peer mid-message: nothing usable arrived.
            intake.drop(DropReason.MALFORMED);
        }
    }

    /**
     * Reads until a newline, end of stream, or one byte more than a message may have (which the decoder then
     * calls oversized). Returns -1 when the deadline passes first: the timeout covers the whole message, not
     * each read, or a client sending a byte at a time could stay for minutes.
     */
    private int readMessage(Socket socket, byte[] buf) throws IOException {
        long deadline = System.nanoTime() + readTimeoutNanos;
        InputStream in = socket.getInputStream();
        int length = 0;
        while (length < buf.length) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return -1;
            }
            socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            int read;
            try {
                read = in.read(buf, length, buf.length - length);
            } catch (SocketTimeoutException e) {
                return -1;
            }
            if (read < 0) {
                break;
            }
            int end = length + read;
            for (int i = length; i < end; i++) {
                if (buf[i] == '\n') {
                    return i + 1;
                }
            }
            length = end;
        }
        return length;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Nothing to do for a connection we are refusing anyway.
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        server.close();
        acceptor.join(5000);
        connections.shutdownNow();
        connections.awaitTermination(5, TimeUnit.SECONDS);
    }
}
