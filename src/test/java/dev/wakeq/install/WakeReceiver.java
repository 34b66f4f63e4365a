package dev.wakeq.install;

import dev.wakeq.testbed.LoopbackWakeSockets;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Listens on one loopback port for UDP and TCP wake-ups and hands over each message as "udp ..."/"tcp ...". */
final class WakeReceiver implements AutoCloseable {

    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();

    WakeReceiver() throws IOException {
        LoopbackWakeSockets sockets = LoopbackWakeSockets.open();
        udp = sockets.udp();
        tcp = sockets.tcp();
        Thread.ofPlatformDaemon(this::readUdp);
        Thread.ofPlatformDaemon(this::acceptTcp);
    }

    int port() {
        return udp.getLocalPort();
    }

    /** The next message within {@code seconds}, or null. */
    String next(int seconds) throws InterruptedException {
        return messages.poll(seconds, TimeUnit.SECONDS);
    }

    private void readUdp() {
        byte[] buf = new byte[256];
        while (!udp.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                udp.receive(p);
                messages.add("udp " + new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void acceptTcp() {
        while (!tcp.isClosed()) {
            try (Socket s = tcp.accept(); InputStream in = s.getInputStream()) {
                s.setSoTimeout(2000);
                messages.add("tcp " + new String(in.readNBytes(128), StandardCharsets.US_ASCII));
            } catch (IOException e) {
                if (tcp.isClosed()) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        udp.close();
        tcp.close();
    }

    private static final class Thread {
        static void ofPlatformDaemon(Runnable r) {
            java.lang.Thread t = new java.lang.Thread(r, "wake-receiver");
            t.setDaemon(true);
            t.start();
        }
    }
}
