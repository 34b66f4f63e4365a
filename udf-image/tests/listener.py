#!/usr/bin/env python3
"""A stand-in wakeq worker for the server tests: UDP and TCP on one loopback port.

Writes the port to PORT_FILE once both sockets are bound, then logs each
message as `udp b'...'` or `tcp b'...'` (Python bytes repr, so the exact
wire bytes, trailing newline included, can be compared with grep -Fx).
"""
import os
import selectors
import socket
import sys

port_file, log_file = sys.argv[1], sys.argv[2]

for _ in range(50):
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    udp.bind(("127.0.0.1", 0))
    port = udp.getsockname()[1]
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        tcp.bind(("127.0.0.1", port))
        break
    except OSError:
        udp.close()
        tcp.close()
else:
    sys.exit("no port free for both UDP and TCP")
tcp.listen(64)

with open(port_file + ".tmp", "w") as f:
    f.write(str(port))
os.rename(port_file + ".tmp", port_file)

log = open(log_file, "a", buffering=1)
sel = selectors.DefaultSelector()
sel.register(udp, selectors.EVENT_READ, "udp")
sel.register(tcp, selectors.EVENT_READ, "tcp")
while True:
    for key, _ in sel.select():
        if key.data == "udp":
            data = udp.recv(4096)
            log.write("udp %r\n" % data)
        else:
            conn, _ = tcp.accept()
            conn.settimeout(1.0)
            data = b""
            try:
                while len(data) <= 128:
                    chunk = conn.recv(256)
                    if not chunk:
                        break
                    data += chunk
            except OSError:
                pass
            conn.close()
            log.write("tcp %r\n" % data)
