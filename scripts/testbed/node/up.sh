#!/usr/bin/env bash
# up.sh IMAGE.tar...: a real one-node Kubernetes 1.20.2 (etcd, kube-apiserver, controller-manager, scheduler,
# kubelet on containerd + runc, kube-proxy in iptables mode, a CNI bridge), a cluster DNS and a MariaDB for
# the tenants, all inside a new private network namespace, with the given image tarballs imported.
# NODE_DIR (required, a short path: sockets live there) holds everything; WAKEQ_UDF_LIBS names the loadable
# function libraries to put into the database's plugin dir. On success NODE_DIR/env tells clients where things
# are (docs/testbed-kube.md). On failure the failed component's log is shown; run down.sh either way.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
NODE_DIR=${NODE_DIR:?NODE_DIR: a work dir for the cluster}
mkdir -p "$NODE_DIR"/{logs,pids,conf,pki,dns}
NODE_DIR=$(cd "$NODE_DIR" && pwd)
source "$here/lib.sh"
T0=$SECONDS

fail() { say "FAILED: $*" >&2; [[ -z ${2:-} ]] || show_log "$2"; exit 1; }

# A process of the node, inside the namespace (network only: mounts and cgroups are the host's, as a node's are).
start() {
  local name=$1; shift
  "${IN_NS[@]}" "$@" >"$D/logs/$name.log" 2>&1 &
  echo $! >"$D/pids/$name.pid"
}

# wait_for NAME SECONDS CMD...: until CMD succeeds; fails with NAME's log when NAME's process died or time ran out.
wait_for() {
  local name=$1 secs=$2; shift 2
  local deadline=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    alive "$name" || fail "$name exited during start-up" "$name"
    ((SECONDS < deadline)) || fail "$name not ready after ${secs}s" "$name"
    sleep 0.2
  done
  say "$name ready (+$((SECONDS - T0))s)"
}

prerequisites() {
  [[ $(id -u) -eq 0 ]] || fail "needs root (network namespace, containerd, kubelet)"
  bash "$here/../kube-apiserver.sh" --node --check >/dev/null || fail "node binaries missing in $K8S_BIN: run scripts/testbed/kube-apiserver.sh --node"
  local c
  for c in containerd runc iptables conntrack socat dnsmasq jq curl nsenter mariadbd mariadb-install-db mariadb openssl; do
    command -v "$c" >/dev/null || fail "$c not installed: run scripts/testbed/prepare.sh"
  done
  [[ -x /usr/lib/cni/bridge && -x /usr/lib/cni/host-local ]] || fail "CNI plugins missing (containernetworking-plugins)"
  # One node per machine: the kubelet's pod cgroups (kubepods) are machine-wide.
  if compgen -G '/sys/fs/cgroup/*/kubepods' >/dev/null || compgen -G '/sys/fs/cgroup/kubepods*' >/dev/null; then
    fail "a kubepods cgroup exists: another kubelet runs here, or a test bed was not torn down (scripts/testbed/node/down.sh)"
  fi
}

# The namespace: lo with the node address, the CNI bridge made first so the service range can be routed into it
# (a namespace without any route for a cluster IP gets ENETUNREACH before kube-proxy's DNAT can apply).
network() {
  NETNS=wakeq-$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
  echo "$NETNS" >"$NETNS_FILE"
  IN_NS=(nsenter "--net=/run/netns/$NETNS")
  ip netns add "$NETNS"
  local ns=(ip netns exec "$NETNS")
  "${ns[@]}" ip link set lo up
  "${ns[@]}" ip addr add "$NODE_IP/32" dev lo
  "${ns[@]}" ip link add "$BRIDGE" type bridge
  "${ns[@]}" ip addr add "$BRIDGE_IP/24" dev "$BRIDGE"
  "${ns[@]}" ip link set "$BRIDGE" up
  "${ns[@]}" ip route add "$SERVICE_RANGE" dev "$BRIDGE" src "$BRIDGE_IP"
  # Nothing may leave the machine: refuse a namespace with a default route or a link we did not make.
  if "${ns[@]}" ip route | grep -q '^default' || "${ns[@]}" ip -4 route show table all | grep -q '^default'; then
    fail "namespace $NETNS has a default route"
  fi
  local links
  links=$("${ns[@]}" ip -o link | awk -F': ' '{print $2}' | sort | paste -sd' ')
  [[ $links == "$BRIDGE lo" ]] || fail "namespace $NETNS has links beyond lo and $BRIDGE: $links"
  "${ns[@]}" sysctl -qw net.ipv4.ip_forward=1
  "${ns[@]}" sysctl -qw net.bridge.bridge-nf-call-iptables=1 2>/dev/null \
    || fail "net.bridge.bridge-nf-call-iptables missing (kernel module br_netfilter): kube-proxy cannot see bridged traffic"
  say "namespace $NETNS: only lo ($NODE_IP) and $BRIDGE ($BRIDGE_IP), routes: $("${ns[@]}" ip route | paste -sd';')"
}

containerd_up() {
  mkdir -p "$D/containerd" "$D/cni/net.d"
  sed "s|@D@|$D|g" "$here/containerd.toml" >"$D/conf/containerd.toml"
  sed "s|@D@|$D|g; s|@SUBNET@|$POD_SUBNET|; s|@GATEWAY@|$BRIDGE_IP|; s|@BRIDGE@|$BRIDGE|" "$here/cni.conflist" \
    >"$D/cni/net.d/10-wakeq.conflist"
  start containerd containerd --config "$D/conf/containerd.toml"
  wait_for containerd 30 "${CTR[@]}" version
  local rootfs=$D/images/pause-rootfs
  mkdir -p "$rootfs" && cp "$K8S_BIN/pause" "$rootfs/pause"
  bash "$here/mkimage.sh" "$rootfs" "localhost/wakeq-testbed/pause:$K8S_VERSION" "$D/images/pause.tar" '["/pause"]'
  local tar
  for tar in "$D/images/pause.tar" "$@"; do
    "${CTR[@]}" images import --no-unpack=false "$tar" >>"$D/logs/images.log" 2>&1 || fail "import of $tar" images
  done
  say "images: $("${CTR[@]}" images ls -q | grep -v '^sha256:' | paste -sd' ')"
}

control_plane() {
  local P=$D/pki K=$K8S_BIN
  bash "$here/pki.sh" "$P" "$NODE_IP" "$API_SERVICE_IP"
  start etcd "$K/etcd" --name wakeq-node --data-dir "$D/etcd" \
    --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster wakeq-node=http://127.0.0.1:2380
  wait_for etcd 30 "${IN_NS[@]}" curl -sf http://127.0.0.1:2379/health
  start kube-apiserver "$K/kube-apiserver" --etcd-servers=http://127.0.0.1:2379 \
    --advertise-address="$NODE_IP" --bind-address=0.0.0.0 --secure-port=6443 \
    --service-cluster-ip-range="$SERVICE_RANGE" --service-node-port-range=30000-32767 \
    --tls-cert-file="$P/apiserver.crt" --tls-private-key-file="$P/apiserver.key" --client-ca-file="$P/ca.crt" \
    --token-auth-file="$P/tokens.csv" --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction \
    --service-account-key-file="$P/sa.pub" --service-account-signing-key-file="$P/sa.key" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --allow-privileged=true --kubelet-preferred-address-types=InternalIP,Hostname
  wait_for kube-apiserver 90 kubectl_in get --raw /readyz
  start kube-controller-manager "$K/kube-controller-manager" --kubeconfig="$P/kcm.kubeconfig" \
    --authentication-kubeconfig="$P/kcm.kubeconfig" --authorization-kubeconfig="$P/kcm.kubeconfig" \
    --bind-address=127.0.0.1 --leader-elect=false \
    --service-account-private-key-file="$P/sa.key" --root-ca-file="$P/ca.crt" \
    --cluster-signing-cert-file="$P/ca.crt" --cluster-signing-key-file="$P/ca.key" \
    --allocate-node-cidrs=false --use-service-account-credentials=false
  start kube-scheduler "$K/kube-scheduler" --kubeconfig="$P/scheduler.kubeconfig" \
    --authentication-kubeconfig="$P/scheduler.kubeconfig" --authorization-kubeconfig="$P/scheduler.kubeconfig" \
    --bind-address=127.0.0.1 --leader-elect=false
}

node_ready() {
  [[ $(kubectl_in get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}') == True ]]
}

node() {
  local P=$D/pki K=$K8S_BIN s
  # The kubelet writes container logs to /var/log/pods and links them from /var/log/containers, both fixed
  # machine paths in 1.20: down.sh keeps what appears there in NODE_DIR/pod-logs and removes it.
  mkdir -p /var/log/pods /var/log/containers
  ls -A /var/log/pods >"$D/pod-logs.before"
  ls -A /var/log/containers >"$D/container-logs.before"
  for s in "${KUBELET_SYSCTLS[@]}"; do echo "$s=$(sysctl -n "$s")"; done >"$D/sysctls.saved"
  echo "nameserver $NODE_IP" >"$D/conf/resolv.conf"
  sed "s|@D@|$D|g; s|@NODE_IP@|$NODE_IP|g" "$here/kubelet.yaml" >"$D/conf/kubelet.yaml"
  start kubelet "$K/kubelet" --config="$D/conf/kubelet.yaml" --kubeconfig="$P/kubelet.kubeconfig" \
    --container-runtime=remote --container-runtime-endpoint="unix://$D/containerd/containerd.sock" \
    --image-service-endpoint="unix://$D/containerd/containerd.sock" \
    --root-dir="$D/kubelet" --cert-dir="$D/kubelet/pki" --hostname-override="$NODE_NAME" --node-ip="$NODE_IP" \
    --pod-infra-container-image="localhost/wakeq-testbed/pause:$K8S_VERSION" --v=1
  # --conntrack-*=0: kube-proxy leaves the machine's conntrack table settings alone.
  start kube-proxy "$K/kube-proxy" --kubeconfig="$P/proxy.kubeconfig" --proxy-mode=iptables \
    --hostname-override="$NODE_NAME" --cluster-cidr="$POD_SUBNET" --bind-address="$NODE_IP" \
    --healthz-bind-address=127.0.0.1:10256 --metrics-bind-address=127.0.0.1:10249 \
    --conntrack-max-per-core=0 --conntrack-min=0 \
    --conntrack-tcp-timeout-established=0 --conntrack-tcp-timeout-close-wait=0
  wait_for kubelet 90 node_ready
  wait_for kube-controller-manager 60 kubectl_in get serviceaccount default
  alive kube-scheduler || fail "kube-scheduler exited" kube-scheduler
  alive kube-proxy || fail "kube-proxy exited" kube-proxy
}

# dnsmasq answers cluster.local names from a hosts file dns-sync.sh keeps; the database has a name too.
dns() {
  mkdir -p "$D/dns/hosts"
  : >"$D/dns/hosts/services"
  start dns-sync bash "$here/dns-sync.sh" "$D/dns/hosts" "$K8S_BIN/kubectl" --kubeconfig "$D/pki/admin.kubeconfig"
  start dnsmasq dnsmasq --keep-in-foreground --no-resolv --no-hosts --no-poll --user=root \
    --listen-address="$NODE_IP" --bind-interfaces --hostsdir="$D/dns/hosts" --local=/cluster.local/ \
    --host-record="$DB_NAME,$NODE_IP" --pid-file="$D/dns/dnsmasq.pid" --log-facility=- --log-queries=extra
  wait_for dns-sync 30 grep -q "kubernetes.default.svc.cluster.local" "$D/dns/hosts/services"
}

# Host-side clients (Maven, helm-java, kubectl) reach the API server through the host's loopback: each
# connection runs a socat in the namespace. The database's unix socket needs no namespace at all.
proxies() {
  API_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  socat "TCP-LISTEN:$API_PORT,bind=127.0.0.1,reuseaddr,fork" \
    "EXEC:nsenter --net=/run/netns/$NETNS socat STDIO TCP\:127.0.0.1\:6443" >"$D/logs/api-proxy.log" 2>&1 &
  echo $! >"$D/pids/api-proxy.pid"
  sed "s|https://127.0.0.1:6443|https://127.0.0.1:$API_PORT|" "$D/pki/admin.kubeconfig" >"$D/kubeconfig"
  chmod 600 "$D/kubeconfig"
  wait_for api-proxy 30 "$K8S_BIN/kubectl" --kubeconfig "$D/kubeconfig" get --raw /readyz
}

trap 'rc=$?; [[ $rc -eq 0 ]] || say "up.sh failed (exit $rc): run NODE_DIR=$D $here/down.sh"' EXIT
prerequisites
say "bringing up a one-node Kubernetes $K8S_VERSION in $D"
network
containerd_up "$@"
control_plane
node
dns
source "$here/database.sh"
database_up
proxies
cat >"$D/env" <<ENV
KUBECONFIG=$D/kubeconfig
KUBECTL=$K8S_BIN/kubectl
NETNS=$NETNS
NODE_IP=$NODE_IP
DB_HOST=$DB_NAME
DB_ADDRESS=$NODE_IP
DB_PORT=3306
DB_HOST_PORT=$DB_HOST_PORT
DB_SOCKET=$D/db/mysqld.sock
ENV
say "up in $((SECONDS - T0))s: KUBECONFIG=$D/kubeconfig, database $DB_NAME ($NODE_IP:3306; host side 127.0.0.1:$DB_HOST_PORT)"
