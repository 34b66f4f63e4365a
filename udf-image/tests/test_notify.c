/*
 * Drives a built libwakeq_notify_<v>.so the way a server does: dlopen, look the
 * three symbols up by name, and for every call fill UDF_ARGS, run _init (which
 * may coerce types), hand over the coerced values, run the function, run
 * _deinit. Listeners on loopback check the exact wire bytes.
 *
 *   test_notify LIB VERSION            all tests
 *   test_notify LIB VERSION --quick    wire-format tests only
 *   test_notify LIB VERSION --soak N   N calls of every kind, for valgrind
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "wakeq_notify.h"
#include "wakeq_udf_abi.h"

typedef char (*init_fn)(UDF_INIT *, UDF_ARGS *, char *);
typedef void (*deinit_fn)(UDF_INIT *);
typedef long long (*main_fn)(UDF_INIT *, UDF_ARGS *, char *, char *);

static void *lib;
static init_fn udf_init;
static deinit_fn udf_deinit;
static main_fn udf_main;

static int passed, failed;

#define CHECK(cond, ...) check((cond), __LINE__, __VA_ARGS__)

static void check(int ok, int line, const char *fmt, ...)
{
    if (ok) {
        passed++;
        return;
    }
    failed++;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "FAIL line %d: ", line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* ---- calling the function like a server ---- */

/* One SQL argument as the statement supplies it, before any coercion. */
struct arg {
    enum Item_result type;
    const char *str;
    long long num;
    int is_null;
    double real;
};

#define S(x) ((struct arg){ STRING_RESULT, (x), 0, 0, 0 })
#define N(x) ((struct arg){ INT_RESULT, NULL, (x), 0, 0 })
#define R(x) ((struct arg){ REAL_RESULT, NULL, 0, 0, (x) })
#define NUL(t) ((struct arg){ (t), NULL, 0, 1, 0 })
#define MAX_ARGS 6

static long long call_udf(unsigned n, const struct arg *in)
{
    enum Item_result types[MAX_ARGS];
    char *args[MAX_ARGS];
    unsigned long lengths[MAX_ARGS];
    char maybe_null[MAX_ARGS];
    char *attrs[MAX_ARGS];
    unsigned long attr_lengths[MAX_ARGS];
    long long nums[MAX_ARGS];
    double reals[MAX_ARGS];
    char strs[MAX_ARGS][160];
    UDF_ARGS a = { n, types, args, lengths, maybe_null, attrs, attr_lengths, NULL };

    for (unsigned i = 0; i < n; i++) {
        types[i] = in[i].type;
        /* A trigger passes NEW.* columns: not constant, so no value at init time. */
        args[i] = NULL;
        lengths[i] = 0;
        maybe_null[i] = 1;
        attrs[i] = "arg";
        attr_lengths[i] = 3;
    }
    UDF_INIT init = { .maybe_null = 1, .max_length = 21, .const_item = 1 };
    char message[WAKEQ_UDF_ERRMSG_SIZE] = "";
    char init_failed = udf_init(&init, &a, message);
    /* Checked on every call but counted only when they fail, to keep the tally readable. */
    if (init_failed || init.const_item)
        CHECK(0, "init failed (%d) or left const_item set (argc %u): %s", init_failed, n, message);

    for (unsigned i = 0; i < n; i++) {
        if (in[i].is_null)
            continue;
        if (types[i] == INT_RESULT) {
            nums[i] = in[i].type == STRING_RESULT ? strtoll(in[i].str, NULL, 10) : in[i].num;
            args[i] = (char *)&nums[i];
            lengths[i] = sizeof nums[i];
        } else if (types[i] == REAL_RESULT) {
            CHECK(in[i].type == REAL_RESULT, "init asked to coerce argument %u to REAL", i);
            reals[i] = in[i].real;
            args[i] = (char *)&reals[i];
            lengths[i] = sizeof reals[i];
        } else {
            char tmp[32];
            const char *s = in[i].str;
            if (in[i].type == INT_RESULT) {
                snprintf(tmp, sizeof tmp, "%lld", in[i].num);
                s = tmp;
            }
            /* Servers do not NUL-terminate: poison the byte after the value. */
            size_t len = strlen(s);
            memset(strs[i], 'X', sizeof strs[i]);
            memcpy(strs[i], s, len);
            args[i] = strs[i];
            lengths[i] = len;
        }
    }
    char is_null = 1, error = 0;
    long long rc = udf_main(&init, &a, &is_null, &error);
    if (is_null || error)
        CHECK(0, "the result must never be NULL or an error");
    udf_deinit(&init);
    return rc;
}

static long long notify(const char *host, long long port, const char *key)
{
    struct arg a[] = { S(host), N(port), S(key) };
    return call_udf(3, a);
}

static long long notify_statement(const char *host, long long port, const char *key, const char *statement)
{
    struct arg a[] = { S(host), N(port), S(key), N(0), statement ? S(statement) : NUL(STRING_RESULT) };
    return call_udf(5, a);
}

/* The statement argument as the installer's trigger passes it: @@timestamp, a DOUBLE. */
static long long notify_timestamp(const char *host, long long port, const char *key, double timestamp)
{
    struct arg a[] = { S(host), N(port), S(key), N(0), R(timestamp) };
    return call_udf(5, a);
}

static long long notify_mode(const char *host, long long port, const char *key, long long mode)
{
    struct arg a[] = { S(host), N(port), S(key), N(mode) };
    return call_udf(4, a);
}

/* ---- loopback listeners ---- */

static int bind_loopback(int family, int type, int *port)
{
    int fd = socket(family, type | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_storage ss;
    socklen_t len;
    memset(&ss, 0, sizeof ss);
    if (family == AF_INET6) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
        s6->sin6_family = AF_INET6;
        s6->sin6_addr = in6addr_loopback;
        len = sizeof *s6;
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
        s4->sin_family = AF_INET;
        s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        len = sizeof *s4;
    }
    if (bind(fd, (struct sockaddr *)&ss, len) != 0 || getsockname(fd, (struct sockaddr *)&ss, &len) != 0) {
        close(fd);
        return -1;
    }
    *port = ntohs(family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                     : ((struct sockaddr_in *)&ss)->sin_port);
    return fd;
}

static int udp_listener(int family, int *port)
{
    int fd = bind_loopback(family, SOCK_DGRAM, port);
    int big = 8 << 20;
    if (fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big) != 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    return fd;
}

static int tcp_listener(int family, int backlog, int *port)
{
    int fd = bind_loopback(family, SOCK_STREAM, port);
    if (fd >= 0 && listen(fd, backlog) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* One datagram within timeout_ms, or -1. */
static ssize_t recv_one(int fd, char *buf, size_t cap, int timeout_ms)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    if (poll(&p, 1, timeout_ms) <= 0)
        return -1;
    return recv(fd, buf, cap, MSG_DONTWAIT);
}

/* Receives until the socket stays quiet for quiet_ms; counts datagrams equal to `expect`, and all. */
static int drain(int fd, const char *expect, int quiet_ms, int *others)
{
    char buf[256];
    int same = 0;
    ssize_t n;
    *others = 0;
    while ((n = recv_one(fd, buf, sizeof buf, quiet_ms)) >= 0) {
        if ((size_t)n == strlen(expect) && memcmp(buf, expect, (size_t)n) == 0)
            same++;
        else
            (*others)++;
    }
    return same;
}

static void expect_datagram(int fd, const char *want, const char *what)
{
    char buf[256];
    ssize_t n = recv_one(fd, buf, sizeof buf, 1000);
    CHECK(n == (ssize_t)strlen(want) && memcmp(buf, want, strlen(want)) == 0,
          "%s: got %zd bytes '%.*s', want '%s'", what, n, n > 0 ? (int)n : 0, buf, want);
}

/* Accepts one connection and reads it to EOF. */
static void expect_tcp_line(int lfd, const char *want, const char *what)
{
    char buf[256];
    size_t got = 0;
    struct pollfd p = { .fd = lfd, .events = POLLIN };
    int cfd = poll(&p, 1, 1000) == 1 ? accept(lfd, NULL, NULL) : -1;
    CHECK(cfd >= 0, "%s: no connection", what);
    if (cfd < 0)
        return;
    for (;;) {
        struct pollfd q = { .fd = cfd, .events = POLLIN };
        if (poll(&q, 1, 1000) != 1)
            break;
        ssize_t n = recv(cfd, buf + got, sizeof buf - got, 0);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(cfd);
    CHECK(got == strlen(want) && memcmp(buf, want, got) == 0, "%s: got '%.*s', want '%s'", what, (int)got,
          buf, want);
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

/* ---- tests ---- */

static void test_udp_wire(void)
{
    int port;
    int fd = udp_listener(AF_INET, &port);
    CHECK(fd >= 0, "udp listener");
    CHECK(notify("127.0.0.1", port, "tenant_a") == WAKEQ_SENT, "udp v4 send");
    expect_datagram(fd, "WQ1 I tenant_a\n", "udp v4 default mode");
    CHECK(notify_mode("127.0.0.1", port, "tenant.b-2", 0) == WAKEQ_SENT, "udp v4 mode 0");
    expect_datagram(fd, "WQ1 I tenant.b-2\n", "udp v4 explicit mode 0");

    char key[WAKEQ_KEY_MAX + 1], want[WAKEQ_KEY_MAX + 8];
    memset(key, 'K', WAKEQ_KEY_MAX);
    key[WAKEQ_KEY_MAX] = '\0';
    snprintf(want, sizeof want, "WQ1 I %s\n", key);
    CHECK(notify("127.0.0.1", port, key) == WAKEQ_SENT, "64-character key");
    expect_datagram(fd, want, "udp 64-character key");

    /* The server coerces: a port given as a string and a key given as a number still work. */
    struct arg coerced[] = { S("127.0.0.1"), S("0"), N(12345) };
    char port_text[16];
    snprintf(port_text, sizeof port_text, "%d", port);
    coerced[1] = S(port_text);
    CHECK(call_udf(3, coerced) == WAKEQ_SENT, "coerced argument types");
    expect_datagram(fd, "WQ1 I 12345\n", "coerced argument types");
    close(fd);

    int fd6 = udp_listener(AF_INET6, &port);
    if (fd6 < 0) {
        printf("skip udp v6: no ::1 on this machine\n");
        return;
    }
    CHECK(notify("::1", port, "tenant_v6") == WAKEQ_SENT, "udp v6 send");
    expect_datagram(fd6, "WQ1 I tenant_v6\n", "udp v6");
    close(fd6);
    printf("ok udp wire format (v4, v6, 64-char key, coerced types)\n");
}

static void test_tcp_wire(void)
{
    int port;
    int lfd = tcp_listener(AF_INET, 16, &port);
    CHECK(lfd >= 0, "tcp listener");
    CHECK(notify_mode("127.0.0.1", port, "tenant_s", 1) == WAKEQ_SENT, "tcp v4 send");
    expect_tcp_line(lfd, "WQ1 S tenant_s\n", "tcp v4 sweep");
    close(lfd);

    lfd = tcp_listener(AF_INET6, 16, &port);
    if (lfd >= 0) {
        CHECK(notify_mode("::1", port, "tenant_s6", 1) == WAKEQ_SENT, "tcp v6 send");
        expect_tcp_line(lfd, "WQ1 S tenant_s6\n", "tcp v6 sweep");
        close(lfd);
    }

    int closed_port;
    int bound = bind_loopback(AF_INET, SOCK_STREAM, &closed_port); /* bound, not listening: refuses */
    CHECK(notify_mode("127.0.0.1", closed_port, "tenant_r", 1) == WAKEQ_E_REFUSED, "tcp refused");
    close(bound);
    printf("ok tcp wire format and refused\n");
}

static void test_tcp_blackhole(void)
{
    int port;
    /* Backlog 0 and never accept: once the queue is full the kernel drops SYNs, like a dead peer. */
    int lfd = tcp_listener(AF_INET, 0, &port);
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fillers[64], nf = 0, full = 0;
    while (nf < 64 && !full) {
        int f = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        fillers[nf++] = f;
        if (connect(f, (struct sockaddr *)&sin, sizeof sin) == 0)
            continue;
        struct pollfd p = { .fd = f, .events = POLLOUT };
        full = poll(&p, 1, 100) == 0;
    }
    CHECK(full, "could not fill the accept queue of the blackhole listener");

    uint64_t t0 = now_ns();
    long long rc = notify_mode("127.0.0.1", port, "tenant_bh", 1);
    double ms = (double)(now_ns() - t0) / 1e6;
    CHECK(rc == WAKEQ_E_TIMEOUT, "blackhole: rc %lld, want %d", rc, WAKEQ_E_TIMEOUT);
    CHECK(ms <= 250.0, "blackhole: took %.1f ms, limit 250", ms);
    CHECK(ms >= WAKEQ_TCP_TIMEOUT_MS - 5, "blackhole: gave up after %.1f ms, before its timeout", ms);
    for (int i = 0; i < nf; i++)
        close(fillers[i]);
    close(lfd);
    printf("ok tcp blackhole: returned %lld after %.1f ms (%d fillers)\n", rc, ms, nf);
}

struct bad_case {
    const char *what;
    unsigned argc;
    struct arg args[MAX_ARGS];
    long long want;
};

static void test_bad_arguments(void)
{
    static char long_key[WAKEQ_KEY_MAX + 2], long_host[101];
    memset(long_key, 'a', WAKEQ_KEY_MAX + 1);
    memset(long_host, '1', 100);
    const struct bad_case cases[] = {
        { "no arguments", 0, { { 0 } }, WAKEQ_E_ARGC },
        { "two arguments", 2, { S("127.0.0.1"), N(1) }, WAKEQ_E_ARGC },
        { "six arguments", 6, { S("127.0.0.1"), N(1), S("k"), N(0), S("s"), N(0) }, WAKEQ_E_ARGC },
        { "NULL host", 3, { NUL(STRING_RESULT), N(1), S("k") }, WAKEQ_E_NULL },
        { "NULL port", 3, { S("127.0.0.1"), NUL(INT_RESULT), S("k") }, WAKEQ_E_NULL },
        { "NULL key", 3, { S("127.0.0.1"), N(1), NUL(STRING_RESULT) }, WAKEQ_E_NULL },
        { "NULL mode", 4, { S("127.0.0.1"), N(1), S("k"), NUL(INT_RESULT) }, WAKEQ_E_NULL },
        { "empty key", 3, { S("127.0.0.1"), N(1), S("") }, WAKEQ_E_KEY },
        { "65-character key", 3, { S("127.0.0.1"), N(1), S(long_key) }, WAKEQ_E_KEY },
        { "key with space", 3, { S("127.0.0.1"), N(1), S("a b") }, WAKEQ_E_KEY },
        { "key with newline", 3, { S("127.0.0.1"), N(1), S("a\nb") }, WAKEQ_E_KEY },
        { "key with slash", 3, { S("127.0.0.1"), N(1), S("a/b") }, WAKEQ_E_KEY },
        { "key with UTF-8", 3, { S("127.0.0.1"), N(1), S("t\xc3\xa9") }, WAKEQ_E_KEY },
        { "port 0", 3, { S("127.0.0.1"), N(0), S("k") }, WAKEQ_E_PORT },
        { "port -1", 3, { S("127.0.0.1"), N(-1), S("k") }, WAKEQ_E_PORT },
        { "port 65536", 3, { S("127.0.0.1"), N(65536), S("k") }, WAKEQ_E_PORT },
        { "host name", 3, { S("localhost"), N(1), S("k") }, WAKEQ_E_HOST },
        { "empty host", 3, { S(""), N(1), S("k") }, WAKEQ_E_HOST },
        { "short IPv4", 3, { S("1.2.3"), N(1), S("k") }, WAKEQ_E_HOST },
        { "IPv4 octet 999", 3, { S("999.1.1.1"), N(1), S("k") }, WAKEQ_E_HOST },
        { "trailing space", 3, { S("127.0.0.1 "), N(1), S("k") }, WAKEQ_E_HOST },
        { "IPv6 scope", 3, { S("fe80::1%lo"), N(1), S("k") }, WAKEQ_E_HOST },
        { "bracketed IPv6", 3, { S("[::1]"), N(1), S("k") }, WAKEQ_E_HOST },
        { "100-char host", 3, { S(long_host), N(1), S("k") }, WAKEQ_E_HOST },
        { "mode 2", 4, { S("127.0.0.1"), N(1), S("k"), N(2) }, WAKEQ_E_MODE },
        { "mode -1", 4, { S("127.0.0.1"), N(1), S("k"), N(-1) }, WAKEQ_E_MODE },
        /* Never sent: the kernel refuses broadcast without SO_BROADCAST before anything leaves. */
        { "UDP to broadcast", 3, { S("255.255.255.255"), N(9), S("k") }, WAKEQ_E_SEND },
    };
    int n = (int)(sizeof cases / sizeof cases[0]);
    for (int i = 0; i < n; i++) {
        long long rc = call_udf(cases[i].argc, cases[i].args);
        CHECK(rc == cases[i].want, "bad argument '%s': rc %lld, want %lld", cases[i].what, rc, cases[i].want);
    }

    /* A server that ignored the coercion request must not make us misread memory. */
    enum Item_result types[3] = { INT_RESULT, INT_RESULT, STRING_RESULT };
    long long num = 1;
    char *args[3] = { (char *)&num, (char *)&num, "k" };
    unsigned long lengths[3] = { 8, 8, 1 };
    UDF_ARGS raw = { 3, types, args, lengths, NULL, NULL, NULL, NULL };
    UDF_INIT init = { 0 };
    char is_null, error;
    CHECK(udf_main(&init, &raw, &is_null, &error) == WAKEQ_E_ARGC, "uncoerced types");

    /* socket() failing: the descriptor limit set to the lowest free descriptor. */
    struct rlimit old, tight;
    getrlimit(RLIMIT_NOFILE, &old);
    tight = old;
    int lowest_free = dup(0);
    close(lowest_free);
    tight.rlim_cur = (rlim_t)lowest_free;
    setrlimit(RLIMIT_NOFILE, &tight);
    long long rc = notify_mode("127.0.0.1", 9, "k", 1);
    setrlimit(RLIMIT_NOFILE, &old);
    CHECK(rc == WAKEQ_E_SOCKET, "no descriptors left: rc %lld, want %d", rc, WAKEQ_E_SOCKET);

    const long long codes[] = { WAKEQ_SENT, WAKEQ_COALESCED, WAKEQ_E_ARGC, WAKEQ_E_NULL, WAKEQ_E_KEY,
                                WAKEQ_E_PORT, WAKEQ_E_HOST, WAKEQ_E_MODE, WAKEQ_E_SOCKET, WAKEQ_E_SEND,
                                WAKEQ_E_TIMEOUT, WAKEQ_E_REFUSED };
    int nc = (int)(sizeof codes / sizeof codes[0]);
    for (int i = 0; i < nc; i++)
        for (int j = i + 1; j < nc; j++)
            CHECK(codes[i] != codes[j], "return codes %d and %d are equal", i, j);
    printf("ok bad-argument table (%d cases), uncoerced types, socket failure, distinct codes\n", n);
}

static void test_coalescing(void)
{
    int port, others;
    int fd = udp_listener(AF_INET, &port);

    int sent = 0, coalesced = 0;
    uint64_t t0 = now_ns();
    long long first = notify("127.0.0.1", port, "burst");
    sent += first == WAKEQ_SENT;
    for (int i = 1; i < 10000; i++) {
        long long rc = notify("127.0.0.1", port, "burst");
        sent += rc == WAKEQ_SENT;
        coalesced += rc == WAKEQ_COALESCED;
    }
    uint64_t elapsed = now_ns() - t0;
    uint64_t bound = elapsed / WAKEQ_COALESCE_NS + 1;
    int got = drain(fd, "WQ1 I burst\n", 100, &others);
    CHECK(first == WAKEQ_SENT, "the first call of a burst sends at once");
    CHECK(sent + coalesced == 10000, "every burst call returns 0 or 1");
    CHECK(got == sent && others == 0, "received %d datagrams (%d others), %d reported sent", got, others, sent);
    CHECK((uint64_t)sent <= bound, "%d datagrams in %.1f ms exceed one per window (%llu)", sent,
          (double)elapsed / 1e6, (unsigned long long)bound);
    printf("ok coalescing: 10000 calls in %.1f ms -> %d datagrams (bound %llu)\n", (double)elapsed / 1e6, got,
           (unsigned long long)bound);

    sleep_ms(WAKEQ_COALESCE_NS / 1000000 + 1);
    CHECK(notify("127.0.0.1", port, "burst") == WAKEQ_SENT, "a new window sends again");
    expect_datagram(fd, "WQ1 I burst\n", "after the window");

    /* Two keys interleaved: each gets its own first datagram. */
    long long ra = notify("127.0.0.1", port, "key_a"), rb = notify("127.0.0.1", port, "key_b");
    for (int i = 0; i < 5000; i++) {
        notify("127.0.0.1", port, "key_a");
        notify("127.0.0.1", port, "key_b");
    }
    int got_a = drain(fd, "WQ1 I key_a\n", 100, &others);
    CHECK(ra == WAKEQ_SENT && rb == WAKEQ_SENT, "first call of each key sends");
    CHECK(got_a >= 1, "key_a was sent");
    CHECK(others >= 1, "key_b was sent (%d)", others);

    /* Same key, other port: another target, not suppressed. */
    int port2;
    int fd2 = udp_listener(AF_INET, &port2);
    CHECK(notify("127.0.0.1", port, "shared") == WAKEQ_SENT, "shared key, target 1");
    CHECK(notify("127.0.0.1", port2, "shared") == WAKEQ_SENT, "shared key, target 2");
    expect_datagram(fd, "WQ1 I shared\n", "shared key, target 1");
    expect_datagram(fd2, "WQ1 I shared\n", "shared key, target 2");
    close(fd2);

    /*
     * More keys than the table has slots: collisions are certain. Every key
     * not sent in this window must still send, twice round.
     */
    int suppressed = 0, total = 0;
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 4096; i++) {
            char key[16];
            snprintf(key, sizeof key, "c%d_%d", round, i);
            long long rc = notify("127.0.0.1", port, key);
            suppressed += rc != WAKEQ_SENT;
            total++;
        }
    }
    int received = drain(fd, "", 200, &others);
    CHECK(suppressed == 0, "%d of %d distinct keys were suppressed", suppressed, total);
    CHECK(received + others == total, "received %d of %d distinct-key datagrams", others, total);
    close(fd);
    printf("ok coalescing never suppresses other keys or targets (%d distinct keys)\n", total);
}

/* ---- one statement's rows ---- */

static void test_statement_coalescing(void)
{
    int others;
    int port;
    int fd = udp_listener(AF_INET, &port);

    /* A 250 ms statement: one datagram per 100 ms window, not one per 5 ms. */
    int sent = 0;
    uint64_t t0 = now_ns();
    while (now_ns() - t0 < 250000000u) {
        sent += notify_statement("127.0.0.1", port, "stmt", "7/2026-12-01 03:00:00.000001") == WAKEQ_SENT;
        sleep_ms(1);
    }
    uint64_t elapsed = now_ns() - t0;
    int got = drain(fd, "WQ1 I stmt\n", 100, &others);
    CHECK(got == sent && others == 0, "received %d (%d others), %d reported sent", got, others, sent);
    CHECK(sent >= 1 && (uint64_t)sent <= elapsed / WAKEQ_STATEMENT_WINDOW_NS + 1,
          "one statement over %.0f ms sent %d datagrams", (double)elapsed / 1e6, sent);
    printf("ok one statement calling for %.0f ms -> %d datagrams\n", (double)elapsed / 1e6, sent);

    /* Another statement in between is judged by the short window: its row commits on its own. */
    sleep_ms(WAKEQ_COALESCE_NS / 1000000 + 1);
    CHECK(notify_statement("127.0.0.1", port, "stmt", "7/a") == WAKEQ_SENT, "first row of statement a sends");
    CHECK(notify_statement("127.0.0.1", port, "stmt", "7/a") == WAKEQ_COALESCED, "second row of a coalesces");
    sleep_ms(WAKEQ_COALESCE_NS / 1000000 + 1);
    CHECK(notify_statement("127.0.0.1", port, "stmt", "7/a") == WAKEQ_COALESCED, "a, 6 ms on: within its window");
    CHECK(notify_statement("127.0.0.1", port, "stmt", "8/b") == WAKEQ_SENT, "statement b, 6 ms on: sends");
    sleep_ms(WAKEQ_COALESCE_NS / 1000000 + 1);
    CHECK(notify_statement("127.0.0.1", port, "stmt", "7/a") == WAKEQ_SENT, "a after b: short window again");
    /* No statement, or a NULL one: the short window, and never an error that costs the wake-up. */
    sleep_ms(WAKEQ_COALESCE_NS / 1000000 + 1);
    CHECK(notify_statement("127.0.0.1", port, "stmt", NULL) == WAKEQ_SENT, "NULL statement sends");
    sleep_ms(WAKEQ_COALESCE_NS / 1000000 + 1);
    CHECK(notify_statement("127.0.0.1", port, "stmt", NULL) == WAKEQ_SENT, "NULL statements are not one statement");
    drain(fd, "", 50, &others);
    close(fd);
    printf("ok another statement in between gets the short window; a NULL statement still sends\n");
}

struct timestamp_call {
    int port;
    double timestamp;
    long long rc;
};

static void *call_from_other_thread(void *arg)
{
    struct timestamp_call *c = arg;
    c->rc = notify_timestamp("127.0.0.1", c->port, "stmt", c->timestamp);
    return NULL;
}

/* A number (@@timestamp, or an integer) names a statement as a string does, without a conversion. */
static void test_numeric_statement(void)
{
    int others;
    int port;
    int fd = udp_listener(AF_INET, &port);
    const double t = 1764558000.000001;

    CHECK(notify_timestamp("127.0.0.1", port, "stmt", t) == WAKEQ_SENT, "first row of statement t sends");
    sleep_ms(WAKEQ_COALESCE_NS / 1000000 + 1);
    CHECK(notify_timestamp("127.0.0.1", port, "stmt", t) == WAKEQ_COALESCED, "t, 6 ms on: within its window");
    /* One microsecond later is another statement of the same session. */
    CHECK(notify_timestamp("127.0.0.1", port, "stmt", t + 0.000001) == WAKEQ_SENT, "t + 1 us: sends");
    sleep_ms(WAKEQ_COALESCE_NS / 1000000 + 1);
    /* Two sessions whose statements started in the same microsecond are two statements: a thread each. */
    CHECK(notify_timestamp("127.0.0.1", port, "stmt", t) == WAKEQ_SENT, "t again: sends");
    sleep_ms(WAKEQ_COALESCE_NS / 1000000 + 1);
    struct timestamp_call other = { port, t, 99 };
    pthread_t th;
    pthread_create(&th, NULL, call_from_other_thread, &other);
    pthread_join(th, NULL);
    CHECK(other.rc == WAKEQ_SENT, "the same timestamp from another thread is another statement: rc %lld", other.rc);
    sleep_ms(WAKEQ_COALESCE_NS / 1000000 + 1);
    struct arg as_int[] = { S("127.0.0.1"), N(port), S("stmt"), N(0), N(42) };
    CHECK(call_udf(5, as_int) == WAKEQ_SENT, "integer statement: first row sends");
    sleep_ms(WAKEQ_COALESCE_NS / 1000000 + 1);
    CHECK(call_udf(5, as_int) == WAKEQ_COALESCED, "integer statement, 6 ms on: within its window");
    int got = drain(fd, "WQ1 I stmt\n", 50, &others);
    CHECK(got == 5 && others == 0, "numeric statements: received %d (%d others), want 5", got, others);
    close(fd);
    printf("ok a REAL or INT statement argument coalesces like a string one, and per thread\n");
}

/* ---- many sessions at once ---- */

#define MT_THREADS 8
#define MT_CALLS 20000
#define MT_KEYS 32

static int mt_port, mt_tcp_port;
static int mt_bad_rc;
/* A TCP call that timed out: its 200 ms deadline is wall-clock, and a starved 2-core machine (valgrind, other
 * builds) can run past it. That is the function keeping its promise not to block, not a concurrency error; such a
 * sender closes without writing, which the acceptor sees as an empty connection. */
static int mt_tcp_timeouts;
static pthread_mutex_t mt_lock = PTHREAD_MUTEX_INITIALIZER;

static void *mt_worker(void *arg)
{
    long id = (long)arg;
    int bad = 0, timeouts = 0;
    for (int i = 0; i < MT_CALLS; i++) {
        char key[16];
        snprintf(key, sizeof key, "mt_%d", (int)((i + id) % MT_KEYS));
        long long rc = notify("127.0.0.1", mt_port, key);
        bad += rc != WAKEQ_SENT && rc != WAKEQ_COALESCED;
        if (i % 1000 == 0) {
            rc = notify_mode("127.0.0.1", mt_tcp_port, key, 1);
            timeouts += rc == WAKEQ_E_TIMEOUT;
            bad += rc != WAKEQ_SENT && rc != WAKEQ_E_TIMEOUT;
        }
    }
    pthread_mutex_lock(&mt_lock);
    mt_bad_rc += bad;
    mt_tcp_timeouts += timeouts;
    pthread_mutex_unlock(&mt_lock);
    return NULL;
}

struct mt_counts {
    int fd;
    volatile int stop;
    int per_key[MT_KEYS];
    int total, malformed, empty;
};

static void *mt_udp_receiver(void *arg)
{
    struct mt_counts *c = arg;
    char buf[256];
    while (!c->stop) {
        ssize_t n = recv_one(c->fd, buf, sizeof buf - 1, 20);
        if (n < 0)
            continue;
        buf[n] = '\0';
        int k;
        if (sscanf(buf, "WQ1 I mt_%d\n", &k) == 1 && k >= 0 && k < MT_KEYS)
            c->per_key[k]++;
        else
            c->malformed++;
        c->total++;
    }
    return NULL;
}

static void *mt_tcp_acceptor(void *arg)
{
    struct mt_counts *c = arg;
    char buf[256];
    while (!c->stop) {
        struct pollfd p = { .fd = c->fd, .events = POLLIN };
        if (poll(&p, 1, 20) != 1)
            continue;
        int cfd = accept(c->fd, NULL, NULL);
        if (cfd < 0)
            continue;
        ssize_t n = recv(cfd, buf, sizeof buf, MSG_WAITALL);
        if (n == 0)
            c->empty++;
        else
            c->malformed += n < 9 || memcmp(buf, "WQ1 S mt_", 9) != 0;
        c->total++;
        close(cfd);
    }
    return NULL;
}

static void test_threads(void)
{
    struct mt_counts udp = { 0 }, tcp = { 0 };
    udp.fd = udp_listener(AF_INET, &mt_port);
    tcp.fd = tcp_listener(AF_INET, 128, &mt_tcp_port);
    pthread_t rx, ax, th[MT_THREADS];
    pthread_create(&rx, NULL, mt_udp_receiver, &udp);
    pthread_create(&ax, NULL, mt_tcp_acceptor, &tcp);
    uint64_t t0 = now_ns();
    for (long i = 0; i < MT_THREADS; i++)
        pthread_create(&th[i], NULL, mt_worker, (void *)i);
    for (int i = 0; i < MT_THREADS; i++)
        pthread_join(th[i], NULL);
    double ms = (double)(now_ns() - t0) / 1e6;
    sleep_ms(200);
    udp.stop = tcp.stop = 1;
    pthread_join(rx, NULL);
    pthread_join(ax, NULL);
    close(udp.fd);
    close(tcp.fd);

    int missing = 0;
    for (int k = 0; k < MT_KEYS; k++)
        missing += udp.per_key[k] == 0;
    int tcp_expected = MT_THREADS * (MT_CALLS / 1000);
    uint64_t windows = (uint64_t)(ms * 1e6) / WAKEQ_COALESCE_NS + 1;
    CHECK(mt_bad_rc == 0, "%d calls returned an error under concurrency", mt_bad_rc);
    CHECK((uint64_t)udp.total <= MT_KEYS * windows, "%d datagrams exceed %d keys x %llu windows", udp.total, MT_KEYS,
          (unsigned long long)windows);
    CHECK(missing == 0 && udp.malformed == 0, "%d keys never arrived, %d malformed", missing, udp.malformed);
    CHECK(tcp.total - tcp.empty == tcp_expected - mt_tcp_timeouts && tcp.empty <= mt_tcp_timeouts
          && tcp.malformed == 0, "tcp: %d of %d lines (%d timed out, %d empty connections), %d malformed",
          tcp.total - tcp.empty, tcp_expected, mt_tcp_timeouts, tcp.empty, tcp.malformed);
    printf("ok %d threads x %d calls in %.0f ms: %d datagrams for %d keys, %d tcp lines (%d timed out under load)\n",
           MT_THREADS, MT_CALLS, ms, udp.total, MT_KEYS, tcp.total - tcp.empty, mt_tcp_timeouts);
}

static void test_unload_closes_sockets(const char *path, const char *version);

/* ---- soak for valgrind ---- */

static void soak(long calls)
{
    int port, closed_port;
    int sink = udp_listener(AF_INET, &port); /* never read: the kernel drops what does not fit */
    int bound = bind_loopback(AF_INET, SOCK_STREAM, &closed_port);
    int errors = 0;
    notify("127.0.0.1", port, "warmup");
    int fds_before = count_open_fds();
    for (long i = 0; i < calls; i++) {
        char key[16];
        snprintf(key, sizeof key, "soak_%ld", i % 97);
        long long rc;
        switch (i % 8) {
        case 5:
            rc = notify("localhost", port, key);
            errors += rc != WAKEQ_E_HOST;
            break;
        case 6:
            rc = notify_mode("::1", port, key, 7);
            errors += rc != WAKEQ_E_MODE;
            break;
        case 7:
            rc = notify("127.0.0.1", port, "bad key");
            errors += rc != WAKEQ_E_KEY;
            break;
        default:
            rc = notify("127.0.0.1", port, key);
            errors += rc != WAKEQ_SENT && rc != WAKEQ_COALESCED;
        }
        if (i % 50000 == 0) {
            rc = notify_mode("127.0.0.1", closed_port, key, 1);
            errors += rc != WAKEQ_E_REFUSED;
        }
    }
    int fds_after = count_open_fds();
    CHECK(errors == 0, "soak: %d unexpected return codes", errors);
    CHECK(fds_after == fds_before, "soak: descriptors %d before, %d after", fds_before, fds_after);
    close(sink);
    close(bound);
    printf("ok soak: %ld calls, descriptors steady at %d\n", calls, fds_after);
}

/* ---- loading ---- */

static void load(const char *path, const char *version)
{
    char name[64];
    lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        fprintf(stderr, "dlopen %s: %s\n", path, dlerror());
        exit(2);
    }
    snprintf(name, sizeof name, "wakeq_notify_%s", version);
    udf_main = (main_fn)dlsym(lib, name);
    snprintf(name, sizeof name, "wakeq_notify_%s_init", version);
    udf_init = (init_fn)dlsym(lib, name);
    snprintf(name, sizeof name, "wakeq_notify_%s_deinit", version);
    udf_deinit = (deinit_fn)dlsym(lib, name);
    if (!udf_main || !udf_init || !udf_deinit) {
        fprintf(stderr, "%s does not export wakeq_notify_%s, _init and _deinit\n", path, version);
        exit(2);
    }
}

/* DROP FUNCTION makes the server dlclose the library: the cached sockets must go with it. */
static void test_unload_closes_sockets(const char *path, const char *version)
{
    dlclose(lib);
    int before = count_open_fds();
    load(path, version);
    int port;
    int fd = udp_listener(AF_INET, &port);
    notify("127.0.0.1", port, "unload");
    notify("::1", port, "unload");
    int loaded = count_open_fds();
    dlclose(lib);
    int after = count_open_fds();
    close(fd);
    CHECK(after == loaded - 2 && loaded >= before + 2, "fds: %d before, %d loaded, %d after unload", before + 1,
          loaded, after);
    load(path, version);
    printf("ok unloading closes the cached sockets\n");
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s LIB VERSION [--quick | --soak N]\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    load(argv[1], argv[2]);
    if (argc == 5 && strcmp(argv[3], "--soak") == 0) {
        soak(atol(argv[4]));
        dlclose(lib);
    } else {
        test_udp_wire();
        test_tcp_wire();
        if (argc < 4 || strcmp(argv[3], "--quick") != 0) {
            test_bad_arguments();
            test_tcp_blackhole();
            test_coalescing();
            test_statement_coalescing();
            test_numeric_statement();
            test_threads();
            test_unload_closes_sockets(argv[1], argv[2]);
        }
        dlclose(lib);
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
