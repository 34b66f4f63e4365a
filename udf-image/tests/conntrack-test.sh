#!/usr/bin/env bash
# The one-source-port problem and its fix, with the kernel's own NAT and conntrack and nothing else: inside a
# private network namespace a DNAT rule takes a "service" address to "pod" A, then is switched to B the way
# kube-proxy switches endpoints, with no conntrack flush (kube-proxy's flush is what a missing conntrack binary
# or a failed call skips: docs/testbed-kube.md). A build that never replaces its socket stays pinned to A (the
# control: this set-up does show the problem); the real library reaches B within one rotation interval.
# Needs root, ip and iptables (nat); skips without them, except with CI=true, where it fails.
# Usage: tests/conntrack-test.sh BUILD_DIR VERSION PINNED_VERSION
set -euo pipefail
build=$1 version=$2 pinned=$3
missing() {
  if [[ ${CI:-} == true ]]; then echo "conntrack-test: $1" >&2; exit 1; fi
  echo "skip conntrack-test: $1"; exit 0
}
[[ $(id -u) == 0 ]] || missing "needs root (a network namespace and iptables)"
command -v ip >/dev/null || missing "no ip (iproute2)"
command -v iptables >/dev/null || missing "no iptables"

ns=wqct-$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
ip netns add "$ns"
trap 'ip netns delete "$ns"' EXIT
in_ns() { ip netns exec "$ns" "$@"; }
in_ns ip link set lo up
for a in 10.98.1.1 10.98.0.1 10.98.0.2; do in_ns ip addr add "$a/32" dev lo; done
rule() { echo "-d 10.98.1.1/32 -p udp --dport 8686 -j DNAT --to-destination $1:8686"; }

run() { # LIB VERSION EXPECT
  in_ns iptables -t nat -F OUTPUT
  # shellcheck disable=SC2046
  in_ns iptables -t nat -A OUTPUT $(rule 10.98.0.1)
  in_ns "$build/test_dnat_switch" "$1" "$2" 10.98.1.1 10.98.0.1 10.98.0.2 8686 \
    "iptables -t nat -R OUTPUT 1 $(rule 10.98.0.2)" 4000 "$3"
}
run "$build/libwakeq_notify_$pinned.so" "$pinned" --expect-pinned
run "$build/libwakeq_notify_$version.so" "$version" --expect-move
echo "ok conntrack: one socket for ever stays pinned to the replaced pod; the rotating socket reaches the new one"
