#!/usr/bin/env bash
# dns-sync.sh HOSTS_DIR KUBECTL...: keeps a hosts file of every Service's cluster IP for dnsmasq (which reads
# a --hostsdir again when a file in it changes). The cluster DNS of the test bed: no registry here has
# CoreDNS. Polls once a second; a file is replaced by rename only when its content changed.
set -uo pipefail
dir=$1; shift
names='{range .items[*]}{.spec.clusterIP} {.metadata.name}.{.metadata.namespace}.svc.cluster.local {.metadata.name}.{.metadata.namespace}.svc{"\n"}{end}'
while true; do
  if "$@" get services -A -o "jsonpath=$names" 2>/dev/null | grep -v '^None ' >"$dir/.services.tmp" \
      && ! cmp -s "$dir/.services.tmp" "$dir/services"; then
    mv -f "$dir/.services.tmp" "$dir/services"
  fi
  sleep 1
done
