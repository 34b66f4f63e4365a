/*
 * The function's UDP sockets: one per family, shared by every session of the
 * server and replaced by a fresh one (a fresh source port) every
 * WAKEQ_SOCKET_ROTATE_NS, safely under concurrent callers (wakeq_udp.c).
 */
#ifndef WAKEQ_UDP_H
#define WAKEQ_UDP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/*
 * sendto() from the family's current socket, non-blocking: WAKEQ_SENT,
 * WAKEQ_E_SOCKET or WAKEQ_E_SEND. NOW_NS is the caller's CLOCK_MONOTONIC
 * reading (the coalescing claim has just taken one): it decides a rotation.
 */
long long wakeq_udp_sendto(int family, const char *msg, size_t len, const struct sockaddr *to, socklen_t tolen,
                           uint64_t now_ns);

#endif
