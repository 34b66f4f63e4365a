#!/usr/bin/env bash
# Structure test of the image tarball: lists it, validates the docker-archive and
# OCI metadata and every digest, checks the layer holds the versioned library and
# the installer (and nothing else), that entrypoint/cmd match the Dockerfile, that
# the installer from the layer works, and that a rebuild from clean gives the same bytes.
set -euo pipefail
tarball=$(realpath "$1") version=$2
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/wakeq-udf-image.XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "# $tarball"
tar -tvf "$tarball"
python3 - "$tarball" "$version" "$here/Dockerfile" "$work/layer.tar" "$here/RELEASED" <<'PY'
import hashlib, io, json, re, sys, tarfile

path, version, dockerfile, layer_out, released_file = sys.argv[1:]
outer = tarfile.open(path)
names = outer.getnames()
assert names == sorted(names), "entries not sorted"
assert all(m.mtime == 0 and m.uid == 0 and m.gid == 0 for m in outer.getmembers()), "mtime/owner not fixed"
read = lambda n: outer.extractfile(n).read()
digest_of = lambda b: hashlib.sha256(b).hexdigest()

# Every blob is named by its content.
for n in names:
    if n.startswith("blobs/sha256/") and n.count("/") == 2 and not n.endswith("/"):
        assert digest_of(read(n)) == n.rsplit("/", 1)[1], "blob digest mismatch: " + n

manifest = json.loads(read("manifest.json"))
assert len(manifest) == 1, manifest
m = manifest[0]
# The registry name the Helm chart's udf.image defaults to (first: the name containerd and kind import it
# under), and a short local name.
assert m["RepoTags"] == ["ghcr.io/wakeq/wakeq-udf:" + version, "wakeq-udf:" + version], m["RepoTags"]
config = json.loads(read(m["Config"]))
assert len(m["Layers"]) == 1
layer = read(m["Layers"][0])
assert config["rootfs"] == {"type": "layers", "diff_ids": ["sha256:" + digest_of(layer)]}, "diff_ids"
assert config["os"] == "linux" and config["architecture"] == "amd64"

# The Dockerfile's last stage says the same entrypoint and default arguments.
text = open(dockerfile).read()
want_ep = json.loads(re.search(r"^ENTRYPOINT (\[.*\])$", text, re.M).group(1))
want_cmd = json.loads(re.search(r"^CMD (\[.*\])$", text, re.M).group(1))
assert config["config"]["Entrypoint"] == want_ep, config["config"]
assert config["config"]["Cmd"] == want_cmd, config["config"]

# OCI view: oci-layout, index -> manifest -> config and layer, sizes and digests.
assert json.loads(read("oci-layout")) == {"imageLayoutVersion": "1.0.0"}
index = json.loads(read("index.json"))
desc = index["manifests"][0]
oci = read("blobs/sha256/" + desc["digest"].split(":")[1])
assert len(oci) == desc["size"]
oci = json.loads(oci)
assert oci["config"]["digest"] == "sha256:" + m["Config"].rsplit("/", 1)[1]
assert oci["layers"][0]["digest"] == "sha256:" + digest_of(layer) and oci["layers"][0]["size"] == len(layer)

files = {t.name: t for t in tarfile.open(fileobj=io.BytesIO(layer))}
lib = "wakeq/lib/libwakeq_notify_%s.so" % version
released = [l.strip() for l in open(released_file) if l.strip() and not l.startswith("#")]
libs = {"wakeq/lib/libwakeq_notify_%s.so" % v for v in released + [version]}
expect = {"wakeq", "wakeq/bin", "wakeq/lib", "wakeq/bin/wakeq-install"} | libs
assert set(files) == expect, sorted(files)
assert all(files[l].mode == 0o644 for l in libs) and files["wakeq/bin/wakeq-install"].mode == 0o755
open(layer_out, "wb").write(layer)
print("ok manifest.json, index.json, config and layer digests; entrypoint and cmd match the Dockerfile")
print("ok layer holds every released version's library (%s) and /wakeq/bin/wakeq-install only"
      % ", ".join(sorted(libs)))
PY

mkdir -p "$work/root" "$work/plugins"
tar -xf "$work/layer.tar" -C "$work/root"
"$work/root/wakeq/bin/wakeq-install" --all "$work/root/wakeq/lib" "$work/plugins"
cmp "$work/plugins/libwakeq_notify_$version.so" "$work/root/wakeq/lib/libwakeq_notify_$version.so"
echo "ok the image's installer installs its library"

BUILD=$work/rebuild "$here/build-image.sh" "$version" >/dev/null
cmp "$tarball" "$work/rebuild/wakeq-udf-$version.tar"
echo "ok a rebuild from clean gives the same tarball"
# What the Dockerfile's build stage copies (VERSION, Makefile, src/) is enough, and gives the layer's bytes.
mkdir -p "$work/docker-src"
cp -r "$here/VERSION" "$here/RELEASED" "$here/Makefile" "$here/src" "$work/docker-src/"
make -s -C "$work/docker-src" VERSION="$version" BUILD="$work/docker-out" all
cmp "$work/docker-out/libwakeq_notify_$version.so" "$work/root/wakeq/lib/libwakeq_notify_$version.so"
cmp "$work/docker-out/wakeq-install" "$work/root/wakeq/bin/wakeq-install"
echo "ok the Dockerfile's build inputs rebuild the same layer files"
passed=5

# An independent reader of both formats, where installed (Debian: apt-get install skopeo).
if command -v skopeo >/dev/null; then
  skopeo inspect --config "docker-archive:$tarball" >/dev/null
  skopeo inspect "oci-archive:$tarball" >/dev/null
  echo "ok skopeo reads it as docker-archive and as oci-archive"
  passed=6
else
  echo "skip skopeo check: skopeo not installed"
fi
echo "$passed passed, 0 failed"
