# Sourced by the real one-node cluster's scripts (up.sh, down.sh): where things are and small helpers.
# Every address below lives inside the cluster's private network namespace; none is routed off the machine.
# shellcheck shell=bash

readonly K8S_VERSION=1.20.2
readonly K8S_BIN=${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/k8s/$K8S_VERSION-linux-amd64
# The node's own address, on the namespace's lo: this kernel has no dummy netdev driver. The API server
# advertises it (so the kubernetes Service's endpoint), the cluster DNS and the test bed's database listen on it.
readonly NODE_IP=10.99.0.1
readonly NODE_NAME=wakeq-node
readonly POD_SUBNET=10.244.0.0/24
readonly BRIDGE=cni0
readonly BRIDGE_IP=10.244.0.1
readonly SERVICE_RANGE=10.96.0.0/16
readonly API_SERVICE_IP=10.96.0.1
readonly DB_NAME=db.wakeq-testbed
# Sysctls the kubelet sets machine-wide at start (setupKernelTunables in 1.20): saved before, restored after.
readonly KUBELET_SYSCTLS=(vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops
  kernel.keys.root_maxkeys kernel.keys.root_maxbytes)

D=${NODE_DIR:?NODE_DIR: the cluster work dir (short: sockets live in it)}
NETNS_FILE=$D/netns
NETNS=$(cat "$NETNS_FILE" 2>/dev/null || true)
IN_NS=(nsenter "--net=/run/netns/$NETNS")
CTR=(ctr -a "$D/containerd/containerd.sock" -n k8s.io)

# kubectl as the cluster admin, inside the namespace (NETNS is read when called: up.sh sets it late).
kubectl_in() { nsenter "--net=/run/netns/$NETNS" "$K8S_BIN/kubectl" --kubeconfig "$D/pki/admin.kubeconfig" "$@"; }

say() { printf '[%(%T)T] node: %s\n' -1 "$*"; }

# Prints the end of a component's log to stderr: a component that fails must show why.
show_log() {
  local f=$D/logs/$1.log
  [[ -f $f ]] || return 0
  printf -- '--- %s (last 30 lines) ---\n' "$f" >&2
  tail -n 30 "$f" >&2
}

pid_of() { cat "$D/pids/$1.pid" 2>/dev/null; }
alive() { local p; p=$(pid_of "$1") && [[ -n $p ]] && kill -0 "$p" 2>/dev/null; }
