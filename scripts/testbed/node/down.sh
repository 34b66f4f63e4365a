#!/usr/bin/env bash
# down.sh: tears down what up.sh made in NODE_DIR, also after a failed or half-done up.sh, and leaves nothing:
# processes stopped by their recorded PIDs (pod processes by their cgroups, containerd's shims by its socket),
# mounts under NODE_DIR, the kubelet's pod cgroups, the machine-wide sysctls the kubelet changed (restored to
# what up.sh saved), the network namespace (with the CNI bridge, iptables rules and conntrack entries in it).
# Repeatable: a second run finds nothing to do. Exit 1 when something could not be removed (it is named).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
NODE_DIR=$(cd "${NODE_DIR:?NODE_DIR: the dir up.sh used}" 2>/dev/null && pwd) || { echo "node: nothing in ${NODE_DIR}"; exit 0; }
source "$here/lib.sh"
left=()

stop_pid() { # NAME: TERM, up to 10 s, then KILL
  local name=$1 p i
  p=$(pid_of "$name") || return 0
  [[ -n $p ]] || return 0
  if kill "$p" 2>/dev/null; then
    for i in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$p" 2>/dev/null && kill -9 "$p" 2>/dev/null
  fi
  rm -f "$D/pids/$name.pid"
}

# Pod processes: everything in the kubelet's pod cgroups (only this node's kubelet makes them: up.sh refuses
# to start beside another).
kill_pod_processes() {
  local f p
  for f in /sys/fs/cgroup/pids/kubepods/cgroup.procs /sys/fs/cgroup/pids/kubepods/*/cgroup.procs \
           /sys/fs/cgroup/pids/kubepods/*/*/cgroup.procs /sys/fs/cgroup/pids/kubepods/*/*/*/cgroup.procs; do
    [[ -f $f ]] || continue
    while read -r p; do kill -9 "$p" 2>/dev/null; done <"$f"
  done
}

for name in api-proxy db-proxy dns-sync dnsmasq kube-proxy kubelet kube-scheduler kube-controller-manager \
            kube-apiserver etcd mariadb; do
  stop_pid "$name"
done
if alive containerd; then
  for c in $("${CTR[@]}" tasks ls -q 2>/dev/null); do "${CTR[@]}" tasks kill -s SIGKILL "$c" >/dev/null 2>&1; done
fi
kill_pod_processes
stop_pid containerd
# Shims outlive containerd; each names our containerd's socket on its command line.
for p in $(pgrep -f -- "containerd-shim-runc-v2 .*-address $D/containerd/containerd.sock" || true); do
  kill -9 "$p" 2>/dev/null
done
sleep 0.5
# Mounts under our dir (rootfs overlays, shm, pod netns files, kubelet's volume tmpfs), deepest first.
awk -v d="$D/" 'index($2, d) == 1 {print $2}' /proc/self/mounts | sort -r | while read -r m; do
  umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
done
awk -v d="$D/" 'index($2, d) == 1 {print $2}' /proc/self/mounts | grep -q . && left+=("mounts under $D")
# Empty pod cgroups, deepest first.
for top in /sys/fs/cgroup/*/kubepods /sys/fs/cgroup/*/k8s.io; do
  [[ -d $top ]] && find "$top" -depth -type d -exec rmdir {} + 2>/dev/null
done
compgen -G '/sys/fs/cgroup/*/kubepods' >/dev/null && left+=("cgroups: $(ls -d /sys/fs/cgroup/*/kubepods | paste -sd' ')")
if [[ -f $D/sysctls.saved ]]; then
  while IFS== read -r key value; do sysctl -qw "$key=$value" || left+=("sysctl $key"); done <"$D/sysctls.saved"
  rm -f "$D/sysctls.saved"
fi
if [[ -n $NETNS ]] && ip netns list | grep -qw "$NETNS"; then
  ip netns del "$NETNS" || left+=("network namespace $NETNS")
fi
rm -f "$NETNS_FILE"
# Pod logs the kubelet wrote outside NODE_DIR: kept in NODE_DIR/pod-logs, removed from the machine.
if [[ -f $D/pod-logs.before ]]; then
  mkdir -p "$D/pod-logs"
  comm -13 "$D/container-logs.before" <(ls -A /var/log/containers) | while read -r f; do
    rm -f "/var/log/containers/$f"
  done
  comm -13 "$D/pod-logs.before" <(ls -A /var/log/pods) | while read -r p; do
    cp -r "/var/log/pods/$p" "$D/pod-logs/" && rm -rf "/var/log/pods/${p:?}"
  done
  rm -f "$D/pod-logs.before" "$D/container-logs.before"
fi
# The bulky state (image layers, etcd, the database's files); the logs stay for a post-mortem.
if ! awk -v d="$D/" 'index($2, d) == 1' /proc/self/mounts | grep -q .; then
  rm -rf "$D/containerd" "$D/kubelet" "$D/etcd" "$D/db/data" "$D/images"
fi
if ((${#left[@]})); then
  say "teardown left: ${left[*]}" >&2
  exit 1
fi
say "torn down: no process, mount, cgroup or namespace of $D is left; sysctls restored"
