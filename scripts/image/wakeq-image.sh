#!/usr/bin/env bash
# Builds target/images/wakeq-<version>.tar, the operator/worker image, from target/quarkus-app with no
# container engine and no base image from a registry. Three layers, least to most often changed:
#   rootfs  libc6, libgcc-s1, libstdc++6, zlib1g from Debian (apt-get download + dpkg -x; what the JRE's
#           libraries link against), the C.UTF-8 locale, /etc/passwd with user wakeq (1001), an empty /tmp
#   jre     a Java 17 runtime made by jlink from this machine's JDK 17, at /opt/java/openjdk
#   app     the Quarkus fast-jar at /deployments
# The entrypoint, user and layout are the root Dockerfile's. Usage: scripts/image/wakeq-image.sh
# IMAGE_WORK (default target/image-build) and IMAGE_OUT (default target/images) move its directories.
set -euo pipefail
cd "$(dirname "$0")/../.."
umask 022

version=$(python3 scripts/image/project-version.py)
work=${IMAGE_WORK:-target/image-build}
out=${IMAGE_OUT:-target/images}
[[ -f target/quarkus-app/quarkus-run.jar ]] || { echo "no target/quarkus-app: run ./mvnw package first" >&2; exit 1; }

# Modules found with jdeps over target/quarkus-app plus service providers jdeps cannot see: jdk.crypto.ec
# (TLS to API servers with EC certificates), jdk.naming.dns, jdk.zipfs; jdk.httpserver for the worker's
# /metrics and health endpoint (com.sun.net.httpserver).
MODULES=java.base,java.compiler,java.desktop,java.logging,java.management,java.naming,java.net.http,\
java.security.sasl,java.sql,java.xml,jdk.crypto.ec,jdk.httpserver,jdk.management,jdk.naming.dns,jdk.unsupported,\
jdk.zipfs
# java.desktop is there for java.beans; its native libraries for windows, fonts, images and sound would need
# X11, freetype, alsa and more, and a headless server never loads them.
EXCLUDE='**/libawt_xawt.so,**/libjawt.so,**/libsplashscreen.so,**/libfontmanager.so,**/libjsound.so,**/libjavajpeg.so,**/liblcms.so'
DEBS=(libc6 libgcc-s1 libstdc++6 zlib1g)

jlink=${JAVA_HOME:+$JAVA_HOME/bin/}jlink
jdk_version=$("$jlink" --version)
[[ $jdk_version == 17.* ]] || { echo "need jlink from a JDK 17, $jlink is $jdk_version (set JAVA_HOME)" >&2; exit 1; }

build_rootfs() {
  local root=$work/rootfs debs=$work/debs
  rm -rf "$root" "$debs"
  mkdir -p "$root" "$debs"
  # A fresh machine may have no package lists yet.
  (cd "$debs" && { apt-get download -q "${DEBS[@]}" base-files libc-bin 2>/dev/null \
    || { apt-get update -q >/dev/null && apt-get download -q "${DEBS[@]}" base-files libc-bin; }; })
  mkdir -p "$root/var/lib/dpkg/status.d"
  for p in "${DEBS[@]}"; do
    dpkg-deb -x "$debs/${p}"_*.deb "$root"
    # Where scanners (Trivy, Grype) look for the packages of a distroless image.
    dpkg-deb -f "$debs/${p}"_*.deb >"$root/var/lib/dpkg/status.d/$p"
  done
  # Of base-files only what tells scanners the distribution; of libc-bin only the C.UTF-8 locale, without
  # which Java 17 takes ASCII for file names and its default charset.
  dpkg-deb -x "$debs"/base-files_*.deb "$work/extra"
  dpkg-deb -x "$debs"/libc-bin_*.deb "$work/extra"
  install -D -m 0644 "$work/extra/usr/lib/os-release" "$root/etc/os-release"
  install -m 0644 "$work/extra/etc/debian_version" "$root/etc/debian_version"
  mkdir -p "$root/usr/lib/locale"
  cp -R "$work/extra/usr/lib/locale/C.utf8" "$root/usr/lib/locale/"
  rm -rf "$work/extra"
  # Keep the licences; drop documentation, translations and iconv modules (Java has its own charsets).
  find "$root/usr/share/doc" -type f ! -name copyright -delete
  rm -rf "$root"/usr/share/{lintian,locale,man,info,gcc} "$root/usr/lib/x86_64-linux-gnu/gconv"
  find "$root/usr/share/doc" -type d -empty -delete

  mkdir -p "$root"/{etc,proc,sys,dev,deployments}
  install -d -m 1777 "$root/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nwakeq:x:1001:1001:wakeq:/deployments:/sbin/nologin\n' >"$root/etc/passwd"
  printf 'root:x:0:\nwakeq:x:1001:\n' >"$root/etc/group"
  printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$root/etc/nsswitch.conf"
  chmod 0644 "$root"/etc/{passwd,group,nsswitch.conf}
}

build_jre() {
  local jre=$work/jre key
  key="$jdk_version $MODULES $EXCLUDE"
  # jlink takes most of the build's time and its output changes only with the JDK or the module list.
  if [[ -f $jre.key && $(cat "$jre.key") == "$key" ]]; then
    return
  fi
  rm -rf "$jre" "$jre.key"
  mkdir -p "$jre/opt/java"
  "$jlink" --add-modules "$MODULES" --exclude-files="$EXCLUDE" \
    --strip-debug --no-header-files --no-man-pages --compress=2 --output "$jre/opt/java/openjdk"
  chmod -R u+w,go=u-w "$jre"
  echo "$key" >"$jre.key"
}

build_app() {
  local app=$work/app
  rm -rf "$app"
  mkdir -p "$app/deployments"
  cp -R target/quarkus-app/. "$app/deployments/"
  # Readable by uid 1001 whatever the umask of the Maven build was; writable by nobody at run time.
  chmod -R u=rwX,go=rX "$app"
}

mkdir -p "$work" "$out"
build_rootfs
build_jre
build_app

# Entrypoint, user and working directory are read from the root Dockerfile's last stage, so both images
# start the same way.
entrypoint=$(sed -n 's/^ENTRYPOINT //p' Dockerfile)
user=$(sed -n 's/^USER //p' Dockerfile | tail -1)
workdir=$(sed -n 's/^WORKDIR //p' Dockerfile | tail -1)
python3 scripts/image/oci-archive.py "$out/wakeq-$version.tar" \
  --tag "ghcr.io/wakeq/wakeq:$version" --tag "wakeq:$version" \
  --layer "$work/rootfs" --layer "$work/jre" --layer "$work/app" \
  --entrypoint "$entrypoint" --user "$user" --workdir "$workdir" \
  --env PATH=/opt/java/openjdk/bin:/usr/bin:/bin --env JAVA_HOME=/opt/java/openjdk --env LANG=C.UTF-8 --env MALLOC_ARENA_MAX=2 \
  --label org.opencontainers.image.title=wakeq \
  --label "org.opencontainers.image.version=$version" \
  --label "org.opencontainers.image.description=wakeq operator; the same image runs the workers (argument: worker)" \
  --created-by "scripts/image/wakeq-image.sh $version"
