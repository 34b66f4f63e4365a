#!/usr/bin/env bash
# Installs what the test suite needs and this machine lacks. Idempotent: a second run does nothing.
#   - Debian packages: MariaDB 10.11 server (tests start their own private instance; the system service is
#     never used), the C toolchain and valgrind for the loadable function, python3 for its test listener.
#   - A real kube-apiserver + etcd + kubectl 1.20.2 built from Debian's packages (scripts/testbed/kube-apiserver.sh),
#     cached under ~/.kubeapitest, with the node's binaries beside them (kubelet, kube-proxy, controller-manager,
#     scheduler, pause) for the real one-node cluster, and what that node runs on: containerd, runc, the CNI
#     plugins, iptables, conntrack, socat, dnsmasq (cluster DNS) and jq (image manifests). See docs/testbed-kube.md.
#   - MariaDB 11.8 LTS from Debian trixie, extracted by mmdebstrap into a private trixie root under ~/.cache/wakeq
#     (scripts/testbed/mariadb-lts.sh; its binaries need trixie's libc, so they run on that root's loader).
# MySQL 8.0 needs nothing here: its binaries come from a Maven artifact and are unpacked on first use.
set -euo pipefail
cd "$(dirname "$0")/../.."

need=()
[[ -x /usr/sbin/mariadbd ]] || need+=(mariadb-server)
command -v mariadb >/dev/null || need+=(mariadb-client)
command -v gcc >/dev/null || need+=(gcc libc6-dev)
command -v make >/dev/null || need+=(make)
command -v valgrind >/dev/null || need+=(valgrind)
command -v python3 >/dev/null || need+=(python3)
command -v tar >/dev/null || need+=(tar)
command -v unzip >/dev/null || need+=(unzip)
# The real one-node cluster (scripts/testbed/node/). dnsmasq-base: the binary without a system service.
command -v containerd >/dev/null || need+=(containerd)
command -v runc >/dev/null || need+=(runc)
[[ -x /usr/lib/cni/bridge ]] || need+=(containernetworking-plugins)
command -v iptables >/dev/null || need+=(iptables)
command -v conntrack >/dev/null || need+=(conntrack)
command -v socat >/dev/null || need+=(socat)
command -v dnsmasq >/dev/null || need+=(dnsmasq-base)
command -v jq >/dev/null || need+=(jq)
command -v curl >/dev/null || need+=(curl)
# systemd-analyze verify checks the worker unit of packaging/systemd/ (docs/vm.md); no running systemd needed.
command -v systemd-analyze >/dev/null || need+=(systemd)
command -v mmdebstrap >/dev/null || need+=(mmdebstrap)

if ((${#need[@]})); then
  echo "prepare: installing Debian packages: ${need[*]}"
  if [[ $(id -u) -ne 0 ]]; then
    echo "prepare: not root; install them yourself: sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  apt-get update -q
  # policy-rc.d or the lack of systemd keeps the packaged service from starting; tests run their own servers.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
fi
echo "prepare: MariaDB $(/usr/sbin/mariadbd --version | awk '{print $3}'), gcc $(gcc -dumpversion), valgrind $(valgrind --version)"

bash scripts/testbed/mariadb-lts.sh

if [[ -f scripts/testbed/kube-apiserver.sh ]]; then
  bash scripts/testbed/kube-apiserver.sh --node
fi
