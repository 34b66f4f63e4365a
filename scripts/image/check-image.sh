#!/usr/bin/env bash
# Tests the wakeq image tarball the way a container runtime would use it. Needs root (chroot, unshare).
#   - docker-archive and OCI metadata: blob digests, manifest, index, diff_ids; tags are the ones the Helm
#     chart pulls by default; user 1001; entrypoint, user, workdir and LANG equal the root Dockerfile's
#   - every file owned by root and writable by root only (/tmp excepted); every native library of the JRE
#     finds what it links against inside the image
#   - in a private mount and PID namespace, with the image's root read-only, an empty tmpfs at /tmp and
#     uid 1001, like the chart's pods: java -version; the worker role (args: worker) listens and takes a
#     TCP connection, logs, does not boot Quarkus, and stops on SIGTERM; the relay role (args: relay) reads
#     its relay file and reports its closed server, without Quarkus, and stops on SIGTERM; the operator role (no arguments)
#     boots Quarkus and starts its controllers (there is no API server to go further)
#   - a rebuild in fresh directories gives the same bytes (with --rebuild)
# Usage: scripts/image/check-image.sh TARBALL [--rebuild]
set -euo pipefail
tarball=$(realpath "$1")
here=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/wakeq-image-check.XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/root
passed=0
ok() { echo "ok $*"; passed=$((passed + 1)); }

python3 - "$tarball" "$here" "$work" <<'PY'
import hashlib, io, json, os, re, stat, sys, tarfile

path, here, work = sys.argv[1:]
outer = tarfile.open(path)
read = lambda n: outer.extractfile(n).read()
digest_of = lambda b: hashlib.sha256(b).hexdigest()
names = outer.getnames()
assert names == sorted(names), "entries not sorted"
assert all(m.mtime == 0 and m.uid == 0 and m.gid == 0 for m in outer.getmembers()), "mtime/owner not fixed"
for n in names:
    if n.startswith("blobs/sha256/") and n.count("/") == 2:
        assert digest_of(read(n)) == n.rsplit("/", 1)[1], "blob digest mismatch: " + n

version = open(os.path.join(here, "helm/wakeq/Chart.yaml")).read()
version = re.search(r'^appVersion: "(.*)"$', version, re.M).group(1)
values = open(os.path.join(here, "helm/wakeq/values.yaml")).read()
repository = re.search(r"^image:\n(?:\s+#.*\n)*\s+repository: (\S+)$", values, re.M).group(1)
[m] = json.loads(read("manifest.json"))
assert m["RepoTags"] == ["%s:%s" % (repository, version), "wakeq:" + version], \
    "tags %s, the chart pulls %s:%s" % (m["RepoTags"], repository, version)
config = json.loads(read(m["Config"]))
layers = [read(l) for l in m["Layers"]]
assert config["rootfs"]["diff_ids"] == ["sha256:" + digest_of(l) for l in layers], "diff_ids"
assert config["os"] == "linux" and config["architecture"] == "amd64"
index = json.loads(read("index.json"))
[desc] = index["manifests"]
oci = read("blobs/sha256/" + desc["digest"].split(":")[1])
assert len(oci) == desc["size"]
oci = json.loads(oci)
assert oci["config"]["digest"] == "sha256:" + m["Config"].rsplit("/", 1)[1]
assert [l["digest"] for l in oci["layers"]] == config["rootfs"]["diff_ids"]
# containerd (and so `kind load image-archive`) names the image after the index: the chart's name.
assert desc["annotations"]["io.containerd.image.name"] == m["RepoTags"][0]
print("ok manifest.json, index.json, config and layer digests; tagged %s" % ", ".join(m["RepoTags"]))

c = config["config"]
stage = open(os.path.join(here, "Dockerfile")).read().split("\nFROM ")[-1]
want = lambda key: re.search(r"^%s (.*)$" % key, stage, re.M).group(1)
assert c["Entrypoint"] == json.loads(want("ENTRYPOINT")), c["Entrypoint"]
assert c["User"] == want("USER") == "1001", c["User"]
assert c["WorkingDir"] == want("WORKDIR"), c["WorkingDir"]
assert want("ENV") in c["Env"], c["Env"]
assert "Cmd" not in c, "the operator runs with no arguments; the worker Deployment passes args [worker]"
assert c["Entrypoint"][-2:] == ["-jar", "/deployments/quarkus-run.jar"]
print("ok user 1001, entrypoint %s, workdir and LANG as in the Dockerfile" % " ".join(c["Entrypoint"]))

seen = set()
for i, layer in enumerate(layers):
    for t in tarfile.open(fileobj=io.BytesIO(layer)):
        assert t.uid == 0 and t.gid == 0, t.name
        writable = t.mode & 0o022 and not t.issym()
        assert not writable or t.name == "tmp" and t.mode == 0o1777, "%s is writable by others" % t.name
        assert not t.mode & (stat.S_ISUID | stat.S_ISGID), "%s is setuid/setgid" % t.name
        seen.add(t.name)
    open(os.path.join(work, "layer%d.tar" % i), "wb").write(layer)
for must in ("etc/passwd", "tmp", "opt/java/openjdk/bin/java", "deployments/quarkus-run.jar",
             "var/lib/dpkg/status.d/libc6", "usr/lib/locale/C.utf8/LC_CTYPE"):
    assert must in seen, must
print("ok every file owned by root, none writable by others but /tmp (1777), nothing setuid")
json.dump(c, open(os.path.join(work, "config.json"), "w"))
PY
passed=$((passed + 3))

mkdir "$root"
for layer in "$work"/layer*.tar; do
  tar -xf "$layer" -C "$root" --numeric-owner
done
grep -q '^wakeq:x:1001:1001:' "$root/etc/passwd"

# What a container runtime does after its mounts: chroot, working directory, uid/gid 1001, the image's
# environment plus the test's, exec the entrypoint (plus arguments, as Kubernetes args).
cat >"$work/run.py" <<'PY'
import json, os, sys
root, config_file, *rest = sys.argv[1:]
split = rest.index("--")
extra_env, args = rest[:split], rest[split + 1:]
c = json.load(open(config_file))
env = dict(e.split("=", 1) for e in c["Env"] + extra_env)
os.chroot(root)
os.chdir(c["WorkingDir"])
os.setgroups([])
os.setgid(int(c["User"]))
os.setuid(int(c["User"]))
argv = args if args and args[0].startswith("/") else c["Entrypoint"] + args
os.execve(argv[0], argv, env)
PY

# Runs the image in a private mount and PID namespace: root read-only, /tmp an empty tmpfs, /proc and /dev.
container() {
  exec unshare --mount --pid --fork --kill-child bash -c '
    set -e
    root=$1; shift
    mount --bind "$root" "$root"
    mount -o remount,bind,ro "$root"
    mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    printf "{\"version\":1,\"tenants\":[]}\n" >"$root/tmp/tenants.json"
    printf "{\"version\":1,\"server\":{\"host\":\"127.0.0.1\",\"port\":9,\"user\":\"u\",\"password\":\"p\"},\"tenants\":[]}\n" \
      >"$root/tmp/relay.json"
    exec python3 "$@"' container "$root" "$work/run.py" "$root" "$work/config.json" "$@"
}

# The dynamic loader from the image, asked about each library: does it find its dependencies in the image?
# The JVM's own libraries are found by path at run time (libjvm.so is loaded before the others need it).
missing=$(unshare --mount --fork bash -c '
  mount -t proc proc "$1/proc"
  cd "$1" && for so in opt/java/openjdk/bin/java $(find opt/java/openjdk/lib -name "*.so"); do
    LD_LIBRARY_PATH=/opt/java/openjdk/lib/server:/opt/java/openjdk/lib \
      chroot . /lib64/ld-linux-x86-64.so.2 --list "/$so" 2>&1 | sed -n "s|^|$so: |; /not found/p; /error/p"
  done' libs "$root")
[[ -z $missing ]] || { echo "not found in the image:"; echo "$missing"; exit 1; }
ok "every native library of the JRE resolves inside the image ($(find "$root/opt/java/openjdk/lib" -name '*.so' | wc -l) libraries)"

out=$(container -- /opt/java/openjdk/bin/java -version 2>&1)
grep -q '^openjdk version "17\.' <<<"$out" || { echo "$out"; exit 1; }
ok "java -version in the image, as uid 1001: $(head -1 <<<"$out")"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Starts a role in the background; sets pid (the container's init, our child) and log.
start() {
  log=$work/$1.log
  shift
  container "$@" >"$log" 2>&1 &
  pid=$!
}
# Waits up to $2 seconds for a line matching $1 in $log.
wait_for() {
  local deadline=$((SECONDS + $2))
  until grep -q -- "$1" "$log"; do
    if ((SECONDS >= deadline)) || ! kill -0 "$pid" 2>/dev/null; then
      echo "no '$1' within $2 s; log:"; cat "$log"; return 1
    fi
    sleep 0.2
  done
}
# SIGTERM to the JVM, as the kubelet sends it to the container's PID 1; it must be gone within 20 s.
stop() {
  kill -TERM "$(cat "/proc/$pid/task/$pid/children")"  # unshare forked once: its only child is the JVM
  local deadline=$((SECONDS + 20))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "the $1 did not stop within 20 s of SIGTERM; log:"; cat "$log"; kill -KILL "$pid"; exit 1
  fi
  wait "$pid" || true
}

port=$(free_port)
start worker WAKEQ_TENANTS_FILE=/tmp/tenants.json "WAKEQ_PORT=$port" WAKEQ_HANDLER=log -- worker
wait_for "listening on UDP and TCP port $port" 30
python3 - "$port" <<'PY'
import socket, sys
with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5) as s:
    s.sendall(b"WQ1 S nobody\n")
PY
if grep -q -e 'Quarkus' -e 'Registered reconciler' "$work/worker.log"; then
  echo "the worker role booted Quarkus:"; cat "$work/worker.log"; exit 1
fi
ok "worker role: listens on UDP and TCP $port, accepted a TCP wake-up, logs to the console, no Quarkus"
stop worker
ok "worker role stops on SIGTERM"

# No database here: the relay role starts, finds nothing listening on the relay file's server and says so.
start relay WAKEQ_RELAY_FILE=/tmp/relay.json WAKEQ_METRICS_PORT=0 -- relay
wait_for "not streaming: RelayNotConnected" 30
if grep -q -e 'Quarkus' -e 'Registered reconciler' "$work/relay.log"; then
  echo "the relay role booted Quarkus:"; cat "$work/relay.log"; exit 1
fi
ok "relay role: reads its relay file, reports RelayNotConnected for a closed port, logs to the console, no Quarkus"
stop relay
ok "relay role stops on SIGTERM"

# No API server here: the operator boots Quarkus and its controllers, then could only fail to reach the
# cluster, so the check stops at the controllers' start.
start operator --
wait_for "Starting 'workerpool' controller" 60
grep -q "Registered reconciler: 'queuetenant'" "$log"
# SIGKILL: while its start-up waits for the API server, Quarkus holds SIGTERM until the start-up ends (~20 s).
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
ok "operator role (no arguments) boots Quarkus and starts its controllers"

if [[ ${2:-} == --rebuild ]]; then
  IMAGE_WORK=$work/rebuild IMAGE_OUT=$work/rebuild-out bash "$here/scripts/image/wakeq-image.sh" >/dev/null
  cmp "$tarball" "$work/rebuild-out/$(basename "$tarball")"
  ok "a rebuild in fresh directories (new jlink, new packages download) gives the same bytes"
fi
echo "$passed passed, 0 failed"
