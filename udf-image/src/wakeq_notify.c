/*
 * wakeq_notify_<version>(host_ip, port, tenant_key [, mode [, statement]]) RETURNS INTEGER
 *
 * Sends one wire-format-v1 line ("WQ1 <kind> <key>\n", docs/design.md) to a
 * wakeq worker: mode 0 (default) over UDP with kind I, from the BEFORE INSERT
 * trigger; mode 1 over TCP with kind S, from the safety-net EVENT.
 *
 * Everything here runs inside the database server, on the inserting
 * session's thread, for every row. Hence: _init never fails (a failing init
 * fails the INSERT), nothing blocks longer than WAKEQ_TCP_TIMEOUT_MS, no DNS,
 * no per-row allocation, and all problems are reported as return codes
 * (wakeq_notify.h) rather than SQL errors.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "wakeq_notify.h"
#include "wakeq_udp.h"
#include "wakeq_udf_abi.h"

#ifndef WAKEQ_VERSION
#error "build with -DWAKEQ_VERSION=<token>, e.g. -DWAKEQ_VERSION=v1 (see Makefile)"
#endif

/* Two levels so WAKEQ_VERSION is expanded before pasting. */
#define WQ_PASTE_(a, b) a##b
#define WQ_PASTE(a, b) WQ_PASTE_(a, b)
#define WQ_FN WQ_PASTE(wakeq_notify_, WAKEQ_VERSION)
#define WQ_FN_INIT WQ_PASTE(WQ_FN, _init)
#define WQ_FN_DEINIT WQ_PASTE(WQ_FN, _deinit)
#define WQ_EXPORT __attribute__((visibility("default")))

#ifdef WAKEQ_BUILD_ID
/* Lets a test build a byte-different copy of the same version (the file swap test). */
__attribute__((used)) static const char wakeq_build_id[] = "wakeq-build-id=" WAKEQ_BUILD_ID;
#endif

#define MODE_UDP 0
#define MODE_TCP 1
/* Index of the optional fifth argument, which names the inserting statement. */
#define ARG_STATEMENT 4

/* host, port, key [, mode [, statement]]: what _init asks the server to coerce to, and what the call checks. */
static const enum Item_result arg_types[] = { STRING_RESULT, INT_RESULT, STRING_RESULT, INT_RESULT, STRING_RESULT };
#define ARGS_MIN 3
#define ARGS_MAX ((unsigned)(sizeof arg_types / sizeof arg_types[0]))

/* "WQ1 " + kind + " " + key + "\n" */
#define WAKEQ_MSG_MAX (4 + 1 + 1 + WAKEQ_KEY_MAX + 1)

/*
 * A static set-associative table, so memory is fixed whatever the number of
 * tenants: a target hashes to one set (power of two) and may sit in any of
 * its ways. Several hot tenants that share a set still coalesce; only more
 * than COALESCE_WAYS of them at once evict each other (and then send more).
 */
#define COALESCE_SETS 128
#define COALESCE_WAYS 8

/*
 * Who a datagram goes to, in a canonical zero-padded form so that two
 * targets are the same exactly when their bytes are (memcmp).
 */
struct target {
    uint8_t family;
    uint8_t key_len;
    uint16_t port;
    uint8_t addr[16];
    char key[WAKEQ_KEY_MAX + 4]; /* + 4: a whole number of 8-byte words, for hash_words */
};
_Static_assert(sizeof(struct target) % 8 == 0, "hash_words reads whole words");

struct way {
    uint64_t hash;      /* of target: skips most memcmp calls */
    uint64_t sent_ns;   /* 0 = free, or released after a failed send */
    uint64_t statement; /* hash of the last call's statement argument; 0 = none */
    struct target target;
};

struct set {
    pthread_mutex_t lock;
    struct way ways[COALESCE_WAYS];
};

static struct set coalesce_table[COALESCE_SETS] = {
    [0 ... COALESCE_SETS - 1] = { .lock = PTHREAD_MUTEX_INITIALIZER }
};

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t fnv1a(const void *data, size_t len)
{
    const uint8_t *p = data;
    uint64_t h = 1469598103934665603u;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211u;
    }
    return h;
}

/*
 * Eight bytes a step: byte-wise FNV-1a over the target was a third of the function's own
 * instructions per row (bench/insert-cost-callgrind.sh). LEN is a multiple of 8.
 */
static uint64_t hash_words(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 0x9e3779b97f4a7c15u;
    for (size_t i = 0; i < len; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, sizeof w);
        h = (h ^ w) * 0xff51afd7ed558ccdu;
        h ^= h >> 32; /* the set index is taken from the low bits */
    }
    return h;
}

static struct way *find_way(struct set *set, uint64_t hash, const struct target *t)
{
    for (int i = 0; i < COALESCE_WAYS; i++) {
        struct way *w = &set->ways[i];
        if (w->hash == hash && memcmp(&w->target, t, sizeof *t) == 0)
            return w;
    }
    return NULL;
}

/*
 * Claims the right to send for this target now. Only an entry holding this
 * very target (compared in full, not by hash) can suppress a send: a target
 * that is not in its set takes the least recently sent way and sends, so
 * collisions and evictions cost an extra datagram, never a lost one.
 *
 * The window is WAKEQ_COALESCE_NS, or WAKEQ_STATEMENT_WINDOW_NS when this call
 * names the same statement as the previous call for this target: the rows of
 * one statement become visible together at its commit, so more datagrams
 * during it would wake nobody sooner. Any other statement in between (another
 * session's insert) brings the short window back, because its row commits on
 * its own.
 * Returns the stamp to pass to coalesce_release, or 0 when suppressed.
 */
static uint64_t coalesce_claim(const struct target *t, uint64_t statement)
{
    uint64_t hash = hash_words(t, sizeof *t);
    struct set *set = &coalesce_table[hash & (COALESCE_SETS - 1)];
    uint64_t now = now_ns();
    uint64_t stamp = 0;
    pthread_mutex_lock(&set->lock);
    struct way *w = find_way(set, hash, t);
    if (w == NULL) {
        w = &set->ways[0];
        for (int i = 1; i < COALESCE_WAYS; i++)
            if (set->ways[i].sent_ns < w->sent_ns)
                w = &set->ways[i];
        w->hash = hash;
        w->target = *t;
        w->sent_ns = 0;
        w->statement = 0;
    }
    /* Another thread may have stamped a later clock reading than ours while we waited for the lock. */
    uint64_t age = now > w->sent_ns ? now - w->sent_ns : 0;
    int same_statement = statement != 0 && w->statement == statement;
    if (age >= (same_statement ? WAKEQ_STATEMENT_WINDOW_NS : WAKEQ_COALESCE_NS)) {
        w->sent_ns = now;
        stamp = now;
    }
    w->statement = statement;
    pthread_mutex_unlock(&set->lock);
    return stamp;
}

/* A send that failed must not suppress the retries of the same window. */
static void coalesce_release(const struct target *t, uint64_t stamp)
{
    uint64_t hash = hash_words(t, sizeof *t);
    struct set *set = &coalesce_table[hash & (COALESCE_SETS - 1)];
    pthread_mutex_lock(&set->lock);
    struct way *w = find_way(set, hash, t);
    if (w != NULL && w->sent_ns == stamp)
        w->sent_ns = 0;
    pthread_mutex_unlock(&set->lock);
}

static int valid_key(const char *key, unsigned long len)
{
    if (len < 1 || len > WAKEQ_KEY_MAX)
        return 0;
    for (unsigned long i = 0; i < len; i++) {
        char c = key[i];
        int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                 || c == '_' || c == '.' || c == '-';
        if (!ok)
            return 0;
    }
    return 1;
}

/* inet_pton only: a host name would mean a DNS lookup per inserted row. */
static int parse_host(const char *host, unsigned long len, struct target *t)
{
    char buf[INET6_ADDRSTRLEN];
    if (len == 0 || len >= sizeof buf)
        return 0;
    memcpy(buf, host, len);
    buf[len] = '\0';
    if (inet_pton(AF_INET, buf, t->addr) == 1) {
        t->family = AF_INET;
        return 1;
    }
    if (inet_pton(AF_INET6, buf, t->addr) == 1) {
        t->family = AF_INET6;
        return 1;
    }
    return 0;
}

static socklen_t to_sockaddr(const struct target *t, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    if (t->family == AF_INET) {
        struct sockaddr_in *sin = (struct sockaddr_in *)ss;
        sin->sin_family = AF_INET;
        sin->sin_port = htons(t->port);
        memcpy(&sin->sin_addr, t->addr, 4);
        return sizeof *sin;
    }
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(t->port);
    memcpy(&sin6->sin6_addr, t->addr, 16);
    return sizeof *sin6;
}

static size_t format_message(char kind, const struct target *t, char *out)
{
    memcpy(out, "WQ1 ", 4);
    out[4] = kind;
    out[5] = ' ';
    memcpy(out + 6, t->key, t->key_len);
    out[6 + t->key_len] = '\n';
    return 7 + (size_t)t->key_len;
}

static long long send_udp(const struct target *t, uint64_t statement)
{
    uint64_t stamp = coalesce_claim(t, statement);
    if (stamp == 0)
        return WAKEQ_COALESCED;

    struct sockaddr_storage ss;
    socklen_t sslen = to_sockaddr(t, &ss);
    char msg[WAKEQ_MSG_MAX];
    size_t len = format_message('I', t, msg);

    long long rc = wakeq_udp_sendto(t->family, msg, len, (struct sockaddr *)&ss, sslen, stamp);
    if (rc != WAKEQ_SENT)
        coalesce_release(t, stamp);
    return rc;
}

/* Waits for `events` until the deadline; WAKEQ_SENT means ready. */
static long long wait_ready(int fd, short events, uint64_t deadline_ns)
{
    for (;;) {
        uint64_t now = now_ns();
        if (now >= deadline_ns)
            return WAKEQ_E_TIMEOUT;
        int timeout_ms = (int)((deadline_ns - now + 999999u) / 1000000u);
        struct pollfd p = { .fd = fd, .events = events };
        int n = poll(&p, 1, timeout_ms);
        if (n > 0)
            return WAKEQ_SENT;
        if (n == 0)
            return WAKEQ_E_TIMEOUT;
        if (errno != EINTR)
            return WAKEQ_E_SOCKET;
    }
}

static long long connect_error(int err)
{
    if (err == ECONNREFUSED)
        return WAKEQ_E_REFUSED;
    if (err == ETIMEDOUT)
        return WAKEQ_E_TIMEOUT;
    return WAKEQ_E_SEND;
}

static long long tcp_exchange(int fd, const struct target *t, uint64_t deadline_ns)
{
    struct sockaddr_storage ss;
    socklen_t sslen = to_sockaddr(t, &ss);
    if (connect(fd, (struct sockaddr *)&ss, sslen) != 0) {
        if (errno != EINPROGRESS && errno != EINTR)
            return connect_error(errno);
        long long rc = wait_ready(fd, POLLOUT, deadline_ns);
        if (rc != WAKEQ_SENT)
            return rc;
        int err = 0;
        socklen_t errlen = sizeof err;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &errlen) != 0)
            return WAKEQ_E_SOCKET;
        if (err != 0)
            return connect_error(err);
    }

    char msg[WAKEQ_MSG_MAX];
    size_t len = format_message('S', t, msg);
    size_t off = 0;
    while (off < len) {
        ssize_t n = send(fd, msg + off, len - off, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n > 0) {
            off += (size_t)n;
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            return WAKEQ_E_SEND;
        long long rc = wait_ready(fd, POLLOUT, deadline_ns);
        if (rc != WAKEQ_SENT)
            return rc;
    }
    return WAKEQ_SENT;
}

static long long send_tcp(const struct target *t)
{
    uint64_t deadline = now_ns() + (uint64_t)WAKEQ_TCP_TIMEOUT_MS * 1000000u;
    int fd = socket(t->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return WAKEQ_E_SOCKET;
    long long rc = tcp_exchange(fd, t, deadline);
    close(fd);
    return rc;
}

/*
 * A number passes as the statement argument as it is: converting @@timestamp (a DOUBLE) or an integer
 * to a string for us costs the server more than the rest of the call (bench/insert-cost-callgrind.sh).
 */
static int numeric_statement(enum Item_result type)
{
    return type == INT_RESULT || type == REAL_RESULT;
}

/*
 * The statement argument names a statement within its session only (@@timestamp is the statement's
 * start time): the calling thread tells the sessions apart. A statement runs on one server thread
 * from start to end, and two statements running at once are on two threads.
 */
static uint64_t statement_hash(enum Item_result type, const char *value, unsigned long len)
{
    uint64_t h = numeric_statement(type) ? hash_words(value, sizeof(long long)) : fnv1a(value, len);
    uint64_t self = (uint64_t)pthread_self();
    h ^= hash_words(&self, sizeof self);
    return h | 1; /* 0 means "no statement" */
}

/*
 * Validates the row's arguments in a fixed order; the first problem found is
 * the answer. The optional statement argument only tunes coalescing: NULL
 * there means "no statement", never an error that would cost a wake-up.
 */
static long long parse_args(const UDF_ARGS *a, struct target *t, long long *mode, uint64_t *statement)
{
    if (a->arg_count < ARGS_MIN || a->arg_count > ARGS_MAX)
        return WAKEQ_E_ARGC;
    for (unsigned i = 0; i < a->arg_count; i++) {
        if (a->arg_type[i] != arg_types[i] && !(i == ARG_STATEMENT && numeric_statement(a->arg_type[i])))
            return WAKEQ_E_ARGC;
        if (a->args[i] == NULL && i != ARG_STATEMENT)
            return WAKEQ_E_NULL;
    }

    *statement = 0;
    if (a->arg_count > ARG_STATEMENT && a->args[ARG_STATEMENT] != NULL)
        *statement = statement_hash(a->arg_type[ARG_STATEMENT], a->args[ARG_STATEMENT], a->lengths[ARG_STATEMENT]);
    *mode = a->arg_count > 3 ? *(const long long *)a->args[3] : MODE_UDP;
    if (*mode != MODE_UDP && *mode != MODE_TCP)
        return WAKEQ_E_MODE;

    memset(t, 0, sizeof *t);
    if (!valid_key(a->args[2], a->lengths[2]))
        return WAKEQ_E_KEY;
    t->key_len = (uint8_t)a->lengths[2];
    memcpy(t->key, a->args[2], a->lengths[2]);

    long long port = *(const long long *)a->args[1];
    if (port < 1 || port > 65535)
        return WAKEQ_E_PORT;
    t->port = (uint16_t)port;

    if (!parse_host(a->args[0], a->lengths[0], t))
        return WAKEQ_E_HOST;
    return WAKEQ_SENT;
}

/*
 * Runs once per row inside a trigger: only asks the server to coerce the
 * arguments to the types the main function reads. Wrong counts are left for
 * the main function to report, since failing here would fail the INSERT.
 */
WQ_EXPORT char WQ_FN_INIT(UDF_INIT *initid, UDF_ARGS *args, char *message)
{
    (void)message;
    initid->maybe_null = 0;
    /* Constant arguments must not let the server evaluate us only once per statement. */
    initid->const_item = 0;
    initid->ptr = NULL;
    if (args->arg_count >= ARGS_MIN && args->arg_count <= ARGS_MAX)
        for (unsigned i = 0; i < args->arg_count; i++)
            if (!(i == ARG_STATEMENT && numeric_statement(args->arg_type[i])))
                args->arg_type[i] = arg_types[i];
    return 0;
}

WQ_EXPORT void WQ_FN_DEINIT(UDF_INIT *initid)
{
    (void)initid;
}

WQ_EXPORT long long WQ_FN(UDF_INIT *initid, UDF_ARGS *args, char *is_null, char *error)
{
    (void)initid;
    (void)error;
    *is_null = 0;
    struct target t;
    long long mode = MODE_UDP;
    uint64_t statement;
    long long rc = parse_args(args, &t, &mode, &statement);
    if (rc != WAKEQ_SENT)
        return rc;
    return mode == MODE_TCP ? send_tcp(&t) : send_udp(&t, statement);
}
