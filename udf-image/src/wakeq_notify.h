/*
 * Return codes and tunables of wakeq_notify_<version>(). This is the single
 * definition: the C tests include it and README.md documents the same table
 * (keep them in step; tests/test_notify.c checks every code is distinct).
 */
#ifndef WAKEQ_NOTIFY_H
#define WAKEQ_NOTIFY_H

enum wakeq_rc {
    WAKEQ_SENT = 0,            /* the message left (UDP datagram queued, or TCP line written) */
    WAKEQ_COALESCED = 1,       /* UDP only: same target+key was sent less than one window ago */
    WAKEQ_E_ARGC = -1,         /* not 3 to 5 arguments, or a type the server did not coerce */
    WAKEQ_E_NULL = -2,         /* an argument is SQL NULL */
    WAKEQ_E_KEY = -3,          /* tenant key empty, longer than 64, or outside [A-Za-z0-9_.-] */
    WAKEQ_E_PORT = -4,         /* port outside 1..65535 */
    WAKEQ_E_HOST = -5,         /* host is not an IPv4/IPv6 literal (no DNS lookups, ever) */
    WAKEQ_E_MODE = -6,         /* mode is not 0 (UDP) or 1 (TCP) */
    WAKEQ_E_SOCKET = -7,       /* socket() or another local socket call failed */
    WAKEQ_E_SEND = -8,         /* send failed (UDP buffer full, TCP reset, partial write at deadline) */
    WAKEQ_E_TIMEOUT = -9,      /* TCP connect+send did not finish within WAKEQ_TCP_TIMEOUT_MS */
    WAKEQ_E_REFUSED = -10      /* TCP connect refused (nothing listens there) */
};

/*
 * A burst of UDP notifications for one (address, port, key) sends at most one
 * datagram per window; the first call after a window always sends at once. The
 * worker only needs one wake-up per burst: it drains the queue once woken.
 */
#define WAKEQ_COALESCE_NS (5ull * 1000u * 1000u)

/*
 * Calls from one thread that pass the same fifth argument (the trigger passes
 * @@timestamp, the triggering statement's start time to the microsecond) one
 * after another, for one target, are one statement: a multi-row INSERT or
 * INSERT ... SELECT. Its rows commit together, so it sends
 * at most one datagram per this longer window (a 10,000-row INSERT sends one
 * or two). Calls of any other statement in between use WAKEQ_COALESCE_NS.
 */
#define WAKEQ_STATEMENT_WINDOW_NS (100ull * 1000u * 1000u)

/*
 * The UDP socket (so the source port) is replaced by a fresh one at most this
 * often. kube-proxy's conntrack pins a UDP flow (source address and port) to
 * the pod it chose first; from one socket for the server's lifetime every
 * wake-up keeps going to that pod's address after it is gone, until kube-proxy
 * clears the entry (docs/testbed-kube.md). A new port is a new flow, balanced
 * over the pods ready then. A test build may set a shorter one.
 */
#ifndef WAKEQ_SOCKET_ROTATE_NS
#define WAKEQ_SOCKET_ROTATE_NS (1000ull * 1000u * 1000u)
#endif

/* Bound on connect+send for the TCP sweep, so an unanswering target cannot stall the caller. */
#define WAKEQ_TCP_TIMEOUT_MS 200

/* Tenant keys are 1..64 characters (docs/design.md, wire format v1). */
#define WAKEQ_KEY_MAX 64

#endif
