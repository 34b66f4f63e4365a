/*
 * The UDP source port rotation of libwakeq_notify_<v>.so (src/wakeq_udp.c):
 * after each interval a datagram leaves from a fresh port, so conntrack sees a
 * new flow; and many threads calling at once across rotations lose nothing:
 * every call that answered WAKEQ_SENT arrives, no call fails, no descriptor
 * is left behind.
 *
 *   test_rotation LIB VERSION [INTERVAL_NS]   the library's WAKEQ_SOCKET_ROTATE_NS; default: the
 *                                             header's, which a build without an override has
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "udf_call.h"

static long long notify(int port, const char *key)
{
    return notify_host("127.0.0.1", port, key);
}

static int listener(int *port)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof sin;
    int big = 8 << 20;
    if (fd < 0 || bind(fd, (struct sockaddr *)&sin, len) != 0 || getsockname(fd, (struct sockaddr *)&sin, &len))
        return -1;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big) != 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    *port = ntohs(sin.sin_port);
    return fd;
}

/* The source port of the next datagram within timeout_ms, or -1. */
static int recv_port(int fd, int timeout_ms)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    struct sockaddr_in from;
    socklen_t len = sizeof from;
    char buf[128];
    if (poll(&p, 1, timeout_ms) <= 0 || recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&from, &len) < 0)
        return -1;
    return ntohs(from.sin_port);
}

static int count_open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

static void test_fresh_port_after_interval(uint64_t interval)
{
    int port, fd = listener(&port);
    CHECK(fd >= 0, "listener");
    uint64_t t0 = now_ns();
    CHECK(notify(port, "rot_a") == WAKEQ_SENT, "first send");
    CHECK(notify(port, "rot_b") == WAKEQ_SENT, "second send");
    uint64_t within = now_ns() - t0;
    int pa = recv_port(fd, 1000), pb = recv_port(fd, 1000);
    /* Both within one interval leave from one socket (a starved machine may cross a boundary: then not asserted). */
    CHECK(pa > 0 && pb > 0 && (pa == pb || within >= interval), "same interval: ports %d and %d", pa, pb);
    sleep_ns(interval + interval / 10 + 1000000u);
    CHECK(notify(port, "rot_c") == WAKEQ_SENT, "send after the interval");
    int pc = recv_port(fd, 1000);
    CHECK(pc > 0 && pc != pb, "after %llu ms the source port must change: %d, then %d",
          (unsigned long long)(interval / 1000000u), pb, pc);
    close(fd);
    printf("ok a fresh source port after the interval: %d, then %d\n", pb, pc);
}

#define THREADS 8
#define KEYS 64
static int stress_port;
static atomic_int stop, sent, bad;
static uint8_t seen_port[65536];

static void *caller(void *arg)
{
    long id = (long)arg;
    int my_sent = 0, my_bad = 0;
    for (long i = 0; !atomic_load(&stop); i++) {
        char key[16];
        snprintf(key, sizeof key, "st_%ld", (i * THREADS + id) % KEYS);
        long long rc = notify(stress_port, key);
        my_sent += rc == WAKEQ_SENT;
        my_bad += rc != WAKEQ_SENT && rc != WAKEQ_COALESCED;
    }
    atomic_fetch_add(&sent, my_sent);
    atomic_fetch_add(&bad, my_bad);
    return NULL;
}

/* Callers for `duration` while the socket is replaced every `interval`; then every SENT must have arrived. */
static void test_concurrent_callers_across_rotations(uint64_t interval, uint64_t duration)
{
    int fd = listener(&stress_port);
    notify(stress_port, "warmup");
    recv_port(fd, 1000);
    int fds_before = count_open_fds();
    pthread_t th[THREADS];
    for (long i = 0; i < THREADS; i++)
        pthread_create(&th[i], NULL, caller, (void *)i);
    int received = 0, ports = 0;
    uint64_t end = now_ns() + duration;
    while (now_ns() < end) {
        int p = recv_port(fd, 10);
        if (p > 0) {
            received++;
            ports += !seen_port[p];
            seen_port[p] = 1;
        }
    }
    atomic_store(&stop, 1);
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    for (int p; (p = recv_port(fd, 200)) > 0;) {
        received++;
        ports += !seen_port[p];
        seen_port[p] = 1;
    }
    int fds_after = count_open_fds();
    close(fd);
    uint64_t rotations = duration / interval;
    CHECK(atomic_load(&bad) == 0, "%d calls failed", atomic_load(&bad));
    CHECK(received == atomic_load(&sent), "%d calls answered SENT, %d datagrams arrived", atomic_load(&sent),
          received);
    CHECK(ports >= 2 && (rotations < 20 || ports >= 10), "%d source ports over about %llu intervals", ports,
          (unsigned long long)rotations);
    CHECK(fds_after == fds_before, "descriptors: %d before, %d after", fds_before, fds_after);
    printf("ok %d threads for %llu ms, socket replaced every %llu ms: %d sent, %d arrived, from %d source ports, "
           "descriptors steady at %d\n", THREADS, (unsigned long long)(duration / 1000000u),
           (unsigned long long)(interval / 1000000u), atomic_load(&sent), received, ports, fds_after);
}

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: %s LIB VERSION [INTERVAL_NS]\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    void *lib = load_udf(argv[1], argv[2]);
    if (!lib)
        return 2;
    uint64_t interval = argc == 4 ? strtoull(argv[3], NULL, 10) : WAKEQ_SOCKET_ROTATE_NS;
    test_fresh_port_after_interval(interval);
    /* At least 300 intervals' worth when they are short, at least 3 when they are a second. */
    test_concurrent_callers_across_rotations(interval, interval >= 100000000u ? 3 * interval + interval / 2
                                                                              : 300 * interval);
    int fds_loaded = count_open_fds();
    dlclose(lib);
    CHECK(count_open_fds() == fds_loaded - 1, "unloading must close the one live socket: %d, then %d", fds_loaded,
          count_open_fds());
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
