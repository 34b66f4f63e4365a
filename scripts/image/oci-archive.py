#!/usr/bin/env python3
"""Assembles a container image as a tarball without a container engine.

    oci-archive.py OUT.tar --tag NAME:TAG [--tag ...] --layer DIR [--layer DIR ...]
        [--entrypoint JSON] [--cmd JSON] [--user UID[:GID]] [--workdir DIR]
        [--env NAME=VALUE ...] [--label NAME=VALUE ...] [--created-by TEXT]

Each --layer directory becomes one uncompressed layer holding the directory's
contents at the image root, in order (later layers win). The tarball is both a
`docker save` archive (manifest.json, read by `docker load`) and an OCI image
layout (oci-layout + index.json, read by podman/skopeo/containerd), the way
Docker 25+ writes them: every blob once, under blobs/sha256/. The index names
the first tag; manifest.json carries them all.

Reproducible: mtimes fixed (SOURCE_DATE_EPOCH, default 0), every entry owned by
root, modes as on disk, sorted entries, canonical JSON. The same inputs give
the same bytes and so the same image ID.
"""
import argparse
import hashlib
import io
import json
import os
import stat
import sys
import tarfile
import time

EPOCH = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))


def canonical(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def entry(name, mode, data=None, link=None):
    info = tarfile.TarInfo(name)
    info.mode = mode
    info.mtime = EPOCH
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    if link is not None:
        info.type = tarfile.SYMTYPE
        info.linkname = link
    elif data is None:
        info.type = tarfile.DIRTYPE
    else:
        info.size = len(data)
    return info, data


def tar_bytes(entries):
    buf = io.BytesIO()
    # GNU format: jlink and Debian packages have paths longer than ustar's 100/155 characters.
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for info, data in sorted(entries, key=lambda e: e[0].name):
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return buf.getvalue()


def dir_entries(root):
    """The tree below root as layer entries; a hard link becomes a copy, anything but file/dir/symlink fails."""
    entries = []
    for parent, dirs, files in os.walk(root):
        for name in dirs + files:
            path = os.path.join(parent, name)
            rel = os.path.relpath(path, root)
            st = os.lstat(path)
            mode = stat.S_IMODE(st.st_mode)
            if stat.S_ISLNK(st.st_mode):
                entries.append(entry(rel, 0o777, link=os.readlink(path)))
            elif stat.S_ISDIR(st.st_mode):
                entries.append(entry(rel + "/", mode))
            elif stat.S_ISREG(st.st_mode):
                with open(path, "rb") as f:
                    entries.append(entry(rel, mode, f.read()))
            else:
                sys.exit("%s: not a regular file, directory or symlink" % path)
    return entries


def pairs(values):
    out = {}
    for v in values:
        name, sep, value = v.partition("=")
        if not sep:
            sys.exit("expected NAME=VALUE, got: " + v)
        out[name] = value
    return out


def main():
    p = argparse.ArgumentParser(usage=__doc__)
    p.add_argument("out")
    p.add_argument("--tag", action="append", required=True)
    p.add_argument("--layer", action="append", required=True)
    p.add_argument("--entrypoint", type=json.loads)
    p.add_argument("--cmd", type=json.loads)
    p.add_argument("--user")
    p.add_argument("--workdir", default="/")
    p.add_argument("--env", action="append", default=[])
    p.add_argument("--label", action="append", default=[])
    p.add_argument("--created-by", default="oci-archive.py")
    a = p.parse_args()

    layers = [tar_bytes(dir_entries(d)) for d in a.layer]
    digests = [sha256(layer) for layer in layers]
    created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(EPOCH))
    labels = pairs(a.label)
    image_config = {"Labels": labels, "WorkingDir": a.workdir}
    for key, value in (("Entrypoint", a.entrypoint), ("Cmd", a.cmd), ("User", a.user)):
        if value is not None:
            image_config[key] = value
    if a.env:
        pairs(a.env)
        image_config["Env"] = a.env
    config = canonical({
        "architecture": "amd64",
        "os": "linux",
        "created": created,
        "config": image_config,
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + d for d in digests]},
        "history": [{"created": created, "created_by": "%s: %s" % (a.created_by, os.path.basename(d.rstrip("/")))}
                    for d in a.layer],
    })
    config_digest = sha256(config)
    manifest = canonical({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": "sha256:" + config_digest, "size": len(config)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                    "digest": "sha256:" + d, "size": len(layer)} for d, layer in zip(digests, layers)],
        "annotations": labels,
    })
    manifest_digest = sha256(manifest)
    first = a.tag[0]
    # containerd wants a full reference; a bare name means Docker Hub's library/ namespace.
    full = first if "/" in first.split(":")[0] else "docker.io/library/" + first
    index = canonical({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                       "digest": "sha256:" + manifest_digest, "size": len(manifest),
                       "annotations": {"io.containerd.image.name": full,
                                       "org.opencontainers.image.ref.name": first.rsplit(":", 1)[1]}}],
    })
    docker_manifest = canonical([{
        "Config": "blobs/sha256/" + config_digest,
        "RepoTags": a.tag,
        "Layers": ["blobs/sha256/" + d for d in digests],
    }])

    blobs = {d: layer for d, layer in zip(digests, layers)}
    blobs[config_digest] = config
    blobs[manifest_digest] = manifest
    outer = [entry("blobs/", 0o755), entry("blobs/sha256/", 0o755)]
    outer += [entry("blobs/sha256/" + d, 0o644, data) for d, data in blobs.items()]
    outer += [
        entry("index.json", 0o644, index),
        entry("manifest.json", 0o644, docker_manifest),
        entry("oci-layout", 0o644, canonical({"imageLayoutVersion": "1.0.0"})),
    ]
    tmp = a.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(tar_bytes(outer))
    os.rename(tmp, a.out)
    print("%s: %s, image id sha256:%s" % (a.out, " ".join(a.tag), config_digest))


if __name__ == "__main__":
    main()
