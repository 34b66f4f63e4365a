package dev.wakeq.relay;

import dev.wakeq.testbed.LoopbackWakeSockets;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Plays a pool's wake address on loopback: UDP and TCP on one port, every message kept as "udp WQ1 I key" or
 * "tcp WQ1 S key" (trailing newline removed), in arrival order.
 */
final class WakeInbox implements AutoCloseable {

    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final List<String> messages = new CopyOnWriteArrayList<>();

    WakeInbox() throws IOException {
        LoopbackWakeSockets sockets = LoopbackWakeSockets.open();
        udp = sockets.udp();
        tcp = sockets.tcp();
        daemon(this::readUdp);
        daemon(this::acceptTcp);
    }

    int port() {
        return udp.getLocalPort();
    }

    List<String> messages() {
        return List.copyOf(messages);
    }

    /** How many insert wake-ups (UDP) arrived for {@code key}. */
    long inserts(String key) {
        return messages.stream().filter(m -> m.equals("udp WQ1 I " + key)).count();
    }

    /** How many sweep wake-ups (TCP) arrived for {@code key}. */
    long sweeps(String key) {
        return messages.stream().filter(m -> m.equals("tcp WQ1 S " + key)).count();
    }

    private void readUdp() {
        byte[] buf = new byte[256];
        while (!udp.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                udp.receive(p);
                messages.add("udp " + new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII).strip());
            } catch (IOException e) {
                return;
            }
        }
    }

    private void acceptTcp() {
        while (!tcp.isClosed()) {
            try (Socket s = tcp.accept(); InputStream in = s.getInputStream()) {
                s.setSoTimeout(2000);
                messages.add("tcp " + new String(in.readNBytes(128), StandardCharsets.US_ASCII).strip());
            } catch (IOException e) {
                if (tcp.isClosed()) {
                    return;
                }
            }
        }
    }

    private static void daemon(Runnable r) {
        Thread t = new Thread(r, "wake-inbox");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        udp.close();
        try {
            tcp.close();
        } catch (IOException ignored) {
            // Closing a listening socket does not fail in a way a test could act on.
        }
    }
}
