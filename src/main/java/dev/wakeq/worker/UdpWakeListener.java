package dev.wakeq.worker;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;

/** Receives INSERT wake-ups, one per datagram, on one thread (decoding is cheap; pollers do the work). */
final class UdpWakeListener implements AutoCloseable {

    /** Room for an oversized datagram to show its size, so it is counted as oversized, not misread. */
    private static final int BUFFER_BYTES = 2048;
    /** A burst of inserts sends a burst of datagrams; a large socket buffer keeps the kernel from dropping them. */
    private static final int RECEIVE_BUFFER_BYTES = 4 << 20;

    private final DatagramSocket socket;
    private final WakeIntake intake;
    private final Thread thread;

    UdpWakeListener(InetSocketAddress address, WakeIntake intake) throws SocketException {
        this.socket = new DatagramSocket(null);
        socket.setReceiveBufferSize(RECEIVE_BUFFER_BYTES);
        socket.bind(address);
        this.intake = intake;
        this.thread = new Thread(this::loop, "wakeq-udp-" + port());
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    /** False once the receiving thread has ended: closed, or killed by an error nothing caught. */
    boolean alive() {
        return thread.isAlive();
    }

    private void loop() {
        byte[] buf = new byte[BUFFER_BYTES];
        DatagramPacket packet = new DatagramPacket(buf, buf.length);
        while (!socket.isClosed()) {
            try {
                packet.setLength(buf.length);
                socket.receive(packet);
            } catch (IOException e) {
                // Closed by close(): the loop condition ends the thread.
                continue;
            }
            intake.receive(buf, packet.getLength(), Transport.UDP, System.nanoTime());
        }
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        thread.join(5000);
    }
}
