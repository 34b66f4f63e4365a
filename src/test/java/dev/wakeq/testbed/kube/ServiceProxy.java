package dev.wakeq.testbed.kube;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Plays kube-proxy for one Service on a bare API server: listens on the Service's address and port for UDP and
 * TCP and passes each datagram or connection on to one ready endpoint (round robin), the way a ClusterIP spreads
 * traffic over the pods that are ready. With no ready endpoint a datagram is dropped and a connection refused (the
 * TCP port is closed), as kube-proxy's REJECT rule for a Service without endpoints does; dropped datagrams are
 * counted.
 */
final class ServiceProxy implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ServiceProxy.class);
    private static final int CONNECT_TIMEOUT_MILLIS = 500;

    private final DatagramSocket udp;
    private final DatagramSocket udpOut;
    private final InetSocketAddress address;
    /** Open only while there is an endpoint. Guarded by this. */
    private ServerSocket tcp;
    private final List<InetSocketAddress> endpoints = new CopyOnWriteArrayList<>();
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;

    ServiceProxy(InetAddress address, int port) throws IOException {
        udp = new DatagramSocket(null);
        udp.setReuseAddress(true);
        udp.bind(new InetSocketAddress(address, port));
        udpOut = new DatagramSocket(new InetSocketAddress(address, 0));
        this.address = new InetSocketAddress(address, port);
        daemon("proxy-udp-" + port, this::relayDatagrams);
    }

    synchronized void add(InetSocketAddress endpoint) {
        endpoints.add(endpoint);
        if (tcp == null && !closed) {
            try {
                ServerSocket s = new ServerSocket();
                s.setReuseAddress(true);
                s.bind(address, 128);
                tcp = s;
                daemon("proxy-tcp-" + address.getPort(), () -> acceptConnections(s));
            } catch (IOException e) {
                LOG.warnf("TCP %s: cannot listen: %s", address, e.getMessage());
            }
        }
    }

    synchronized void remove(InetSocketAddress endpoint) {
        endpoints.remove(endpoint);
        if (endpoints.isEmpty()) {
            closeTcp();
        }
    }

    private void closeTcp() {
        if (tcp != null) {
            try {
                tcp.close();
            } catch (IOException e) {
                // Closing only.
            }
            tcp = null;
        }
    }

    /** Datagrams and connections that found no ready endpoint. */
    long dropped() {
        return dropped.get();
    }

    private InetSocketAddress pick() {
        List<InetSocketAddress> now = List.copyOf(endpoints);
        return now.isEmpty() ? null : now.get(Math.floorMod(next.getAndIncrement(), now.size()));
    }

    private void relayDatagrams() {
        byte[] buf = new byte[2048];
        while (!closed) {
            DatagramPacket in = new DatagramPacket(buf, buf.length);
            try {
                udp.receive(in);
                InetSocketAddress to = pick();
                if (to == null) {
                    dropped.incrementAndGet();
                    LOG.infof("UDP datagram to %s dropped: no ready endpoint", udp.getLocalSocketAddress());
                    continue;
                }
                udpOut.send(new DatagramPacket(in.getData(), in.getOffset(), in.getLength(), to));
            } catch (IOException e) {
                if (!closed) {
                    LOG.debugf("UDP relay: %s", e.getMessage());
                }
            }
        }
    }

    private void acceptConnections(ServerSocket server) {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                daemon("proxy-tcp-conn", () -> relay(client));
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOG.debugf("TCP accept: %s", e.getMessage());
                }
            }
        }
    }

    /** Wake-up connections only send (one line, then close), so one direction is all that is copied. */
    private void relay(Socket client) {
        InetSocketAddress to = pick();
        try (client; Socket upstream = new Socket()) {
            if (to == null) {
                // Accepted just before the last endpoint left.
                dropped.incrementAndGet();
                return;
            }
            upstream.connect(to, CONNECT_TIMEOUT_MILLIS);
            InputStream in = client.getInputStream();
            OutputStream out = upstream.getOutputStream();
            in.transferTo(out);
            out.flush();
            upstream.shutdownOutput();
        } catch (IOException e) {
            dropped.incrementAndGet();
            LOG.infof("TCP relay to %s failed: %s", to, e.toString());
        }
    }

    private static void daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public synchronized void close() {
        closed = true;
        udp.close();
        udpOut.close();
        closeTcp();
    }
}
