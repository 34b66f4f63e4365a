#!/usr/bin/env python3
"""Assembles the wakeq-udf image as a tarball without a container engine.

    docker-archive.py OUT.tar VERSION INSTALLER LIB...

The tarball is both a `docker save` archive (manifest.json, read by
`docker load`) and an OCI image layout (oci-layout + index.json, read by
podman/skopeo/containerd), the way Docker 25+ writes them: every blob once,
under blobs/sha256/. One uncompressed layer holds what the Dockerfile's last
stage holds. Reproducible: fixed mtimes (SOURCE_DATE_EPOCH, default 0),
root ownership, sorted entries, canonical JSON; the same inputs give the
same bytes and so the same image ID.
"""
import hashlib
import io
import json
import os
import sys
import tarfile
import time

EPOCH = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
ENTRYPOINT = ["/wakeq/bin/wakeq-install"]
CMD = ["--all", "/wakeq/lib", "/plugins"]


def canonical(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def entry(name, mode, data=None):
    info = tarfile.TarInfo(name)
    info.mode = mode
    info.mtime = EPOCH
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    if data is None:
        info.type = tarfile.DIRTYPE
    else:
        info.size = len(data)
    return info, data


def tar_bytes(entries):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for info, data in sorted(entries, key=lambda e: e[0].name):
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return buf.getvalue()


def read(path):
    with open(path, "rb") as f:
        return f.read()


def main(out, version, installer, libs):
    layer_entries = [
        entry("wakeq/", 0o755),
        entry("wakeq/bin/", 0o755),
        entry("wakeq/lib/", 0o755),
        entry("wakeq/bin/wakeq-install", 0o755, read(installer)),
    ]
    for lib in libs:
        layer_entries.append(entry("wakeq/lib/" + os.path.basename(lib), 0o644, read(lib)))
    layer = tar_bytes(layer_entries)
    layer_digest = sha256(layer)

    created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(EPOCH))
    labels = {
        "org.opencontainers.image.title": "wakeq-udf",
        "org.opencontainers.image.version": version,
        "org.opencontainers.image.description": "wakeq_notify loadable function and its installer",
    }
    config = canonical({
        "architecture": "amd64",
        "os": "linux",
        "created": created,
        "config": {"Entrypoint": ENTRYPOINT, "Cmd": CMD, "Labels": labels, "WorkingDir": "/"},
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + layer_digest]},
        "history": [{"created": created, "created_by": "udf-image/build-image.sh " + version}],
    })
    config_digest = sha256(config)
    manifest = canonical({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": "sha256:" + config_digest, "size": len(config)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                    "digest": "sha256:" + layer_digest, "size": len(layer)}],
        "annotations": labels,
    })
    manifest_digest = sha256(manifest)
    tag = "wakeq-udf:" + version
    index = canonical({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                       "digest": "sha256:" + manifest_digest, "size": len(manifest),
                       "annotations": {"io.containerd.image.name": "docker.io/library/" + tag,
                                       "org.opencontainers.image.ref.name": version}}],
    })
    docker_manifest = canonical([{
        "Config": "blobs/sha256/" + config_digest,
        "RepoTags": [tag],
        "Layers": ["blobs/sha256/" + layer_digest],
    }])

    outer = [
        entry("blobs/", 0o755),
        entry("blobs/sha256/", 0o755),
        entry("blobs/sha256/" + layer_digest, 0o644, layer),
        entry("blobs/sha256/" + config_digest, 0o644, config),
        entry("blobs/sha256/" + manifest_digest, 0o644, manifest),
        entry("index.json", 0o644, index),
        entry("manifest.json", 0o644, docker_manifest),
        entry("oci-layout", 0o644, canonical({"imageLayoutVersion": "1.0.0"})),
    ]
    tmp = out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(tar_bytes(outer))
    os.rename(tmp, out)
    print("%s: %s, image id sha256:%s" % (out, tag, config_digest))


if __name__ == "__main__":
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:])
