/*
 * What kube-proxy does to a Service whose pod is replaced, without the
 * conntrack cleanup it may fail to do: a DNAT rule from a service address to
 * pod A is switched to pod B (SWITCH_CMD, e.g. iptables -t nat -R ...), and
 * the existing conntrack entries are left alone. The function sends a
 * datagram every 10 ms throughout. From one socket for ever, every datagram
 * after the switch still went to A (the entry pins the flow by source port);
 * with the socket replaced every WAKEQ_SOCKET_ROTATE_NS, B gets them within
 * one interval. Run inside a private network namespace (conntrack-test.sh).
 *
 *   test_dnat_switch LIB VERSION SERVICE_IP A_IP B_IP PORT SWITCH_CMD RUN_MS --expect-move|--expect-pinned
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "udf_call.h"

static int bind_udp(const char *ip, int port)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    if (fd < 0 || inet_pton(AF_INET, ip, &sin.sin_addr) != 1 || bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0)
        return -1;
    return fd;
}

static int drain(int fd)
{
    char buf[128];
    int n = 0;
    while (recv(fd, buf, sizeof buf, MSG_DONTWAIT) > 0)
        n++;
    return n;
}

int main(int argc, char **argv)
{
    if (argc != 10) {
        fprintf(stderr, "usage: %s LIB VERSION SERVICE_IP A_IP B_IP PORT SWITCH_CMD RUN_MS --expect-move|--expect-pinned\n",
                argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (!load_udf(argv[1], argv[2]))
        return 2;
    const char *service = argv[3];
    int port = atoi(argv[6]);
    uint64_t run_ns = strtoull(argv[8], NULL, 10) * 1000000u;
    int expect_move = strcmp(argv[9], "--expect-move") == 0;
    int a = bind_udp(argv[4], port), b = bind_udp(argv[5], port);
    if (a < 0 || b < 0) {
        fprintf(stderr, "cannot bind %s:%d and %s:%d\n", argv[4], port, argv[5], port);
        return 2;
    }

    int sent = 0, bad = 0, to_a_before = 0, to_a_after = 0, to_b = 0;
    long long first_b_ms = -1;
    uint64_t t0 = now_ns(), switched_at = 0;
    for (int i = 0; now_ns() - t0 < run_ns; i++) {
        char key[16];
        snprintf(key, sizeof key, "ct_%d", i % 1000); /* a key per call: nothing coalesced */
        long long rc = notify_host(service, port, key);
        sent += rc == WAKEQ_SENT;
        bad += rc != WAKEQ_SENT;
        sleep_ns(10000000u);
        int got_a = drain(a), got_b = drain(b);
        if (switched_at == 0) {
            to_a_before += got_a;
            to_b += got_b;
            /* Half-way through an interval of the real library: the stale flow has ~0.5 s left. */
            if (now_ns() - t0 >= run_ns * 3 / 8) {
                if (system(argv[7]) != 0) {
                    fprintf(stderr, "switch command failed: %s\n", argv[7]);
                    return 2;
                }
                switched_at = now_ns();
            }
        } else {
            to_a_after += got_a;
            if (got_b > 0 && first_b_ms < 0)
                first_b_ms = (long long)((now_ns() - switched_at) / 1000000u);
            to_b += got_b;
        }
    }
    printf("%s: %d sent (%d failed); before the switch %d reached A; after it %d reached A (stale flow), %d reached B"
           ", the first %lld ms after the switch\n", argv[1], sent, bad, to_a_before, to_a_after, to_b, first_b_ms);
    CHECK(bad == 0, "%d calls failed", bad);
    CHECK(to_a_before > 0, "nothing reached A before the switch: the DNAT rule did not apply");
    if (expect_move)
        CHECK(to_b > 0 && first_b_ms >= 0, "no datagram reached B after the switch: the flow stayed pinned to A");
    else
        CHECK(to_b == 0 && to_a_after > 0, "control: one socket for ever must stay pinned to A (%d to A, %d to B)",
              to_a_after, to_b);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
