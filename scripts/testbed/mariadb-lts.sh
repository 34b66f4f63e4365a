#!/usr/bin/env bash
# MariaDB 11.8 LTS for the test bed, from Debian trixie, on a bookworm machine. Idempotent: when the cache is there
# it checks the server answers --version and the wrappers' layout stamp, and does nothing else.
#
# Trixie's binaries need trixie's libc, so mmdebstrap extracts mariadb-server and everything it depends on into a
# private trixie root (no maintainer scripts run, no service starts). The binaries then run on that root's own
# dynamic loader and libraries: small wrappers under base/ exec `ROOT/usr/lib64/ld-linux-x86-64.so.2 --library-path
# ROOT/... ROOT/usr/sbin/mariadbd "$@"`. Unlike a chroot this keeps host paths (data dir, plugin dir, the short
# socket dir in /tmp) as they are, and the wrapper's exec keeps the process id the test bed watches.
#
#   CACHE/mariadb-11.8/root   the trixie root (about 310 MB)
#   CACHE/mariadb-11.8/base   what the test bed calls: sbin/mariadbd, bin/{mariadb-install-db,my_print_defaults,
#                             resolveip}, share -> root/usr/share (error messages, charsets, bootstrap SQL); put
#                             base/bin and base/sbin first on PATH where a script expects Debian's MariaDB
# CACHE is $WAKEQ_CACHE_DIR or ~/.cache/wakeq, the same place the test bed unpacks MySQL 8.0 into (wakeq.cache.dir).
set -euo pipefail

cache=${WAKEQ_CACHE_DIR:-$HOME/.cache/wakeq}
target=$cache/mariadb-11.8
want=11.8.
# Bumped whenever the wrappers under base/ change, so a cache made by an older version of this script is made again
# (a version check alone kept a wrapper without --basedir, and 11.8 then read 10.11's files from /usr/share).
layout=4

ready() {
  [[ -x $target/base/sbin/mariadbd && $(cat "$target/base/layout" 2>/dev/null) == "$layout" ]] \
    && "$target/base/sbin/mariadbd" --version 2>/dev/null | grep -q " Ver $want"
}
ready && exit 0
mkdir -p "$cache"
# Two test runs preparing at once (agents, a developer and CI on one machine): the second waits, then finds it ready.
exec 9>"$cache/.mariadb-11.8.lock"
flock 9
ready && exit 0

if [[ $(id -u) -ne 0 ]]; then
  echo "mariadb-lts: needs root the first time (mmdebstrap, apt); run: sudo bash $0" >&2
  exit 1
fi
command -v mmdebstrap >/dev/null || {
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends mmdebstrap >/dev/null
}

# Trixie from the same Debian mirror bookworm comes from here: the machine's own apt sources name it.
mirror=$(apt-get indextargets --format '$(SITE)' 'Codename: bookworm' 'Component: main' 'Origin: Debian' | head -1)
if [[ -z $mirror ]]; then
  apt-get update -q
  mirror=$(apt-get indextargets --format '$(SITE)' 'Codename: bookworm' 'Component: main' 'Origin: Debian' | head -1)
fi
[[ -n $mirror ]] || { echo "mariadb-lts: no Debian bookworm mirror in this machine's apt sources" >&2; exit 1; }

started=$SECONDS
# Built beside the target and renamed into place: a run killed halfway never leaves a half-made cache behind.
staging=$(mktemp -d "$cache/mariadb-11.8.staging.XXXXXX")
trap 'rm -rf "$staging"' EXIT
echo "mariadb-lts: extracting MariaDB 11.8 from Debian trixie into $target (mmdebstrap, $mirror)"
mmdebstrap --quiet --variant=extract --include=mariadb-server,mariadb-client trixie "$staging/root" "$mirror"

root=$target/root
mkdir -p "$staging/base/bin" "$staging/base/sbin" "$staging/base/lib/mysql"
wrap() { # wrap NAME PATH-IN-ROOT [ARG [ENV]]: a host-callable command running the trixie binary on trixie's loader
  local extra=${3:+\"$3\"}
  cat >"$staging/base/$1" <<EOF
#!/bin/sh
${4:-}exec "$root/usr/lib64/ld-linux-x86-64.so.2" --library-path "$root/usr/lib/x86_64-linux-gnu" "$root$2" "\$@" $extra
EOF
  chmod 755 "$staging/base/$1"
}
# --basedir last (--no-defaults must stay first): error messages, charsets and bootstrap SQL of 11.8, never the
# machine's 10.11 files under /usr/share/mariadb.
# Temporary tables out of the shared /tmp (TMPDIR is mariadbd's default --tmpdir) unless the caller chose a
# directory, as the Java test bed does: there a bootstrap's temporary table file vanished between its CREATE and its
# DROP, twice, and the data directory was not made (1051).
wrap sbin/mariadbd /usr/sbin/mariadbd "--basedir=$target/base" "TMPDIR=\"\${TMPDIR:-$target/tmp}\" "
wrap bin/my_print_defaults /usr/bin/my_print_defaults
wrap bin/resolveip /usr/bin/resolveip
# mariadb-install-db is a shell script: with --basedir it finds the wrappers above and the SQL under share/.
cat >"$staging/base/bin/mariadb-install-db" <<EOF
#!/bin/sh
exec "$root/usr/bin/mariadb-install-db" "\$@" --basedir="$target/base"
EOF
chmod 755 "$staging/base/bin/mariadb-install-db"
ln -s "$root/usr/share" "$staging/base/share"
mkdir -m 1777 "$staging/tmp"
echo "$layout" >"$staging/base/layout"
ln -s "$root/usr/lib/mysql/plugin" "$staging/base/lib/mysql/plugin"

rm -rf "$target"
mv "$staging" "$target"
trap - EXIT
"$target/base/sbin/mariadbd" --version | grep -q " Ver $want" \
  || { echo "mariadb-lts: $target/base/sbin/mariadbd is not MariaDB $want" >&2; exit 1; }
echo "mariadb-lts: MariaDB $("$target/base/sbin/mariadbd" --version | awk '{print $3}') ready in $((SECONDS - started)) s"
