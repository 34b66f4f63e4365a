package dev.wakeq.testbed;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** A UDP and a TCP socket on one free loopback port: a stand-in for a pool's wake address in tests. */
public record LoopbackWakeSockets(DatagramSocket udp, ServerSocket tcp) {

    private static final int TRIES = 20;

    public static LoopbackWakeSockets open() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        // UDP picks a free port; its TCP twin may be taken by another process on this machine: try again.
        for (int i = 1; ; i++) {
            DatagramSocket u = new DatagramSocket(new InetSocketAddress(loopback, 0));
            ServerSocket t = new ServerSocket();
            try {
                t.bind(new InetSocketAddress(loopback, u.getLocalPort()));
                return new LoopbackWakeSockets(u, t);
            } catch (BindException e) {
                u.close();
                t.close();
                if (i == TRIES) {
                    throw e;
                }
            }
        }
    }
}
