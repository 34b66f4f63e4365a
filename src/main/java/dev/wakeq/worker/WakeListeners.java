package dev.wakeq.worker;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;

/** The UDP and TCP wake-up listeners on one address and port, which both feed one {@link WakeIntake}. */
final class WakeListeners implements AutoCloseable {

    /** With port 0, UDP picks a free port and TCP must get the same one; another process may hold it. */
    private static final int RANDOM_PORT_TRIES = 20;

    private final UdpWakeListener udp;
    private final TcpWakeListener tcp;

    private WakeListeners(UdpWakeListener udp, TcpWakeListener tcp) {
        this.udp = udp;
        this.tcp = tcp;
    }

    static WakeListeners bind(WorkerConfig config, WakeIntake intake) throws IOException {
        int tries = config.port() == 0 ? RANDOM_PORT_TRIES : 1;
        for (int i = 1; ; i++) {
            UdpWakeListener udp = new UdpWakeListener(new InetSocketAddress(config.bindAddress(), config.port()),
                    intake);
            try {
                return new WakeListeners(udp, new TcpWakeListener(new InetSocketAddress(config.bindAddress(),
                        udp.port()), config.tcpReadTimeout(), config.maxTcpConnections(), intake));
            } catch (BindException e) {
                close(udp);
                if (i >= tries) {
                    throw e;
                }
            }
        }
    }

    int port() {
        return udp.port();
    }

    boolean alive() {
        return udp.alive() && tcp.alive();
    }

    /** Stops both; the TCP side lets connections in progress finish reading. */
    @Override
    public void close() throws IOException, InterruptedException {
        close(udp);
        tcp.close();
    }

    private static void close(UdpWakeListener udp) {
        try {
            udp.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
