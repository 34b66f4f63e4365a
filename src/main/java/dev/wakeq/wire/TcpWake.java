package dev.wakeq.wire;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Sends one wake-up over TCP, as the sweep event's function call does: connect, one line, close. */
public final class TcpWake {

    private TcpWake() {
    }

    public static void send(String host, int port, WakeMessage message, int connectTimeoutMillis) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
            OutputStream out = socket.getOutputStream();
            out.write(WakeCodec.encode(message));
            out.flush();
        }
    }
}
