#define _GNU_SOURCE
#include <stdatomic.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wakeq_notify.h"
#include "wakeq_udp.h"

/*
 * One unconnected UDP socket per family, shared by all sessions (no per-row
 * socket churn), replaced every WAKEQ_SOCKET_ROTATE_NS so that a flow pinned
 * to a gone pod by conntrack ends (wakeq_notify.h).
 *
 * Sessions send at once, so a replaced socket may still be in a sendto(): it
 * is closed by whoever drops its last user, never under a sender. `word` holds
 * the current generation (high 32 bits) and how many senders hold it (low 32
 * bits); a sender takes both with one fetch_add and gives its hold back to
 * `word` while the generation is still current. A rotation swaps in the next
 * generation with no holders and adds the holders it swapped out to the old
 * slot's `retired`; the old generation's senders decrement that instead. The
 * one operation that brings `retired` to zero closes the socket and frees the
 * slot. A rotation whose next slot is still busy (a sender stalled for four
 * intervals) is skipped: the current socket stays until the next try.
 */
#define UDP_SLOTS 4

struct udp_slot {
    atomic_int fd;      /* -1: none */
    atomic_long retired; /* holders left once the generation is replaced; may dip below 0 meanwhile */
    atomic_int busy;    /* current, or replaced and not yet closed */
};

struct udp_sockets {
    _Atomic uint64_t word;
    _Atomic uint64_t born_ns; /* when the current generation's socket was made; 0: none yet */
    atomic_flag rotating;
    struct udp_slot slot[UDP_SLOTS];
};

#define UDP_SOCKETS_INIT                                                                                   \
    {                                                                                                      \
        .word = 0, .born_ns = 0, .rotating = ATOMIC_FLAG_INIT,                                             \
        .slot = { [0] = { .fd = -1, .retired = 0, .busy = 1 },                                             \
                  [1 ... UDP_SLOTS - 1] = { .fd = -1, .retired = 0, .busy = 0 } }                          \
    }

static struct udp_sockets udp_v4 = UDP_SOCKETS_INIT;
static struct udp_sockets udp_v6 = UDP_SOCKETS_INIT;

static struct udp_slot *slot_of(struct udp_sockets *s, uint32_t gen)
{
    return &s->slot[gen & (UDP_SLOTS - 1)];
}

/* The last holder of a replaced generation is gone. */
static void slot_retire(struct udp_slot *slot)
{
    int fd = atomic_exchange(&slot->fd, -1);
    if (fd >= 0)
        close(fd);
    atomic_store(&slot->busy, 0);
}

static int due(uint64_t born, uint64_t now)
{
    /* born may be a hair later than a reading taken before another session's rotation */
    return born == 0 || (now > born && now - born >= WAKEQ_SOCKET_ROTATE_NS);
}

static void udp_rotate(struct udp_sockets *s, int family, uint64_t now)
{
    if (atomic_flag_test_and_set(&s->rotating))
        return; /* another session is at it; this one keeps the current socket */
    uint32_t gen = (uint32_t)(atomic_load(&s->word) >> 32); /* only a rotation changes it */
    struct udp_slot *next = slot_of(s, gen + 1);
    if (due(atomic_load(&s->born_ns), now) && !atomic_load(&next->busy)) {
        int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd >= 0) {
            atomic_store(&next->retired, 0);
            atomic_store(&next->fd, fd);
            atomic_store(&next->busy, 1);
            uint64_t old = atomic_exchange(&s->word, (uint64_t)(gen + 1) << 32);
            atomic_store(&s->born_ns, now);
            long holders = (long)(uint32_t)old;
            struct udp_slot *prev = slot_of(s, gen);
            if (atomic_fetch_add(&prev->retired, holders) + holders == 0)
                slot_retire(prev);
        }
    }
    atomic_flag_clear(&s->rotating);
}

static void udp_release(struct udp_sockets *s, uint32_t gen)
{
    uint64_t cur = atomic_load_explicit(&s->word, memory_order_relaxed);
    while ((uint32_t)(cur >> 32) == gen)
        if (atomic_compare_exchange_weak_explicit(&s->word, &cur, cur - 1, memory_order_release,
                                                  memory_order_relaxed))
            return;
    struct udp_slot *slot = slot_of(s, gen);
    if (atomic_fetch_sub(&slot->retired, 1) == 1)
        slot_retire(slot);
}

long long wakeq_udp_sendto(int family, const char *msg, size_t len, const struct sockaddr *to, socklen_t tolen,
                            uint64_t now)
{
    struct udp_sockets *s = family == AF_INET6 ? &udp_v6 : &udp_v4;
    if (due(atomic_load_explicit(&s->born_ns, memory_order_relaxed), now))
        udp_rotate(s, family, now);
    uint64_t taken = atomic_fetch_add_explicit(&s->word, 1, memory_order_acquire);
    uint32_t gen = (uint32_t)(taken >> 32);
    int fd = atomic_load_explicit(&slot_of(s, gen)->fd, memory_order_relaxed);
    int own = -1;
    if (fd < 0) /* no socket yet (first calls racing a rotation, or socket() failed): one of its own */
        fd = own = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    long long rc = WAKEQ_SENT;
    if (fd < 0)
        rc = WAKEQ_E_SOCKET;
    else if (sendto(fd, msg, len, MSG_DONTWAIT | MSG_NOSIGNAL, to, tolen) != (ssize_t)len)
        rc = WAKEQ_E_SEND;
    if (own >= 0)
        close(own);
    udp_release(s, gen);
    return rc;
}

/* DROP FUNCTION unloads the library: give the sockets back then (no call runs by then). */
__attribute__((destructor)) static void close_cached_sockets(void)
{
    struct udp_sockets *all[] = { &udp_v4, &udp_v6 };
    for (unsigned i = 0; i < sizeof all / sizeof all[0]; i++)
        for (unsigned j = 0; j < UDP_SLOTS; j++) {
            int fd = atomic_exchange(&all[i]->slot[j].fd, -1);
            if (fd >= 0)
                close(fd);
        }
}

