#!/usr/bin/env bash
# Builds a real kube-apiserver 1.20.2 (plus etcd and kubectl) from Debian bookworm packages and puts them
# where io.fabric8:kube-api-test looks for them in offline mode:
#   ${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/k8s/1.20.2-linux-amd64/{kube-apiserver,etcd,kubectl}
# No registry we can reach ships a kube-apiserver binary, and kube-api-test's own download needs a host we
# cannot reach. Everything happens in a private work dir: nothing is installed system-wide, the machine's apt
# state is untouched, and the work dir (with its 1 GB Go cache) is deleted afterwards. See docs/testbed-kube.md.
#
# With --node it also builds, from the same source and in the same Go cache (the second and later commands
# reuse most compiled packages), what a real one-node cluster adds (scripts/testbed/node/, docs/testbed-kube.md):
#   kube-controller-manager, kube-scheduler, kube-proxy, kubelet and a static pause binary, in the same dir.
# Only the missing binaries are built; nothing happens when all are there.
#
# Usage: scripts/testbed/kube-apiserver.sh [--node] [--check]
#   (none)    build unless working binaries are already there (then exit 0 at once)
#   --node    the node's binaries too
#   --check   only report whether working binaries are there (exit 0 yes, 1 no)
set -euo pipefail

readonly K8S_VERSION=1.20.2
readonly BASE_DIR=${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}
readonly OUT_DIR=$BASE_DIR/k8s/$K8S_VERSION-linux-amd64
readonly FAILED_LOG=$BASE_DIR/kube-apiserver-build.log
# Binary packages taken apart with dpkg -x. Go 1.19 is what bookworm's kubernetes package builds with.
readonly DEBS=(golang-1.19-go golang-1.19-src golang-github-modern-go-reflect2-dev etcd-server kubernetes-client)
readonly GOROOT_IN_DEB=usr/lib/go-1.19
readonly NODE_COMMANDS=(kube-controller-manager kube-scheduler kube-proxy kubelet)
WITH_NODE=false

say() { printf 'kube-apiserver.sh: %s\n' "$*"; }

binaries_work() {
  local b
  for b in kube-apiserver etcd kubectl; do [[ -x $OUT_DIR/$b ]] || return 1; done
  "$OUT_DIR/kube-apiserver" --version 2>/dev/null | grep -qF "v$K8S_VERSION" || return 1
  "$OUT_DIR/etcd" --version >/dev/null 2>&1 || return 1
  "$OUT_DIR/kubectl" version --client >/dev/null 2>&1
}

command_works() { [[ -x $OUT_DIR/$1 ]] && "$OUT_DIR/$1" --version 2>/dev/null | grep -qF "v$K8S_VERSION"; }

# The Go commands to build: with --node each node command that does not work, then kube-apiserver unless it
# does (last, so a concurrent build of it elsewhere may finish first: build_commands checks again).
missing_commands() {
  if $WITH_NODE; then
    local c
    for c in "${NODE_COMMANDS[@]}"; do command_works "$c" || echo "$c"; done
  fi
  binaries_work || echo kube-apiserver
}

pause_works() { [[ -x $OUT_DIR/pause ]] && "$OUT_DIR/pause" -v 2>&1 | grep -qF "$K8S_VERSION"; }

all_work() { [[ -z $(missing_commands) ]] && { ! $WITH_NODE || pause_works; }; }

# Runs one build step with its output in the log, so the console stays short.
step() {
  local what=$1; shift
  say "$what"
  printf '\n=== %s\n' "$what" >>"$LOG"
  "$@" >>"$LOG" 2>&1
}

finish() {
  local rc=$?
  if [[ $rc -ne 0 ]]; then
    mkdir -p "$BASE_DIR" && cp "$LOG" "$FAILED_LOG" 2>/dev/null || true
    say "FAILED (exit $rc). Last lines of the log (full log: $FAILED_LOG):"
    tail -n 40 "$LOG" 2>/dev/null | sed 's/^/  | /' >&2 || true
  fi
  # The Go cache marks some files read-only; make them deletable before removing the work dir.
  chmod -R u+w "$WORK" 2>/dev/null || true
  rm -rf "$WORK"
  exit "$rc"
}

# apt, privately: our own sources list (with the deb-src line the machine lacks), lists and cache.
setup_private_apt() {
  mkdir -p "$WORK"/apt/{lists/partial,cache/archives/partial,sources.list.d}
  # Reuse the Debian mirror this machine already uses rather than naming one here. --no-release-info reads
  # the sources configuration itself, so this works before the machine's first apt-get update too.
  local mirror keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  mirror=$(apt-get indextargets --no-release-info --format '$(REPO_URI) $(RELEASE) $(COMPONENT)' 2>/dev/null \
    | awk '$2 == "bookworm" && $3 == "main" { print $1; exit }')
  [[ -n $mirror ]] || { echo "no Debian bookworm main source in this machine's apt configuration"; return 1; }
  printf 'deb [signed-by=%s] %s bookworm main\ndeb-src [signed-by=%s] %s bookworm main\n' \
    "$keyring" "$mirror" "$keyring" "$mirror" >"$WORK/apt/sources.list"
  APT=(apt-get -q
    -o "Dir::Etc::SourceList=$WORK/apt/sources.list"
    -o "Dir::Etc::SourceParts=$WORK/apt/sources.list.d"
    -o "Dir::State::Lists=$WORK/apt/lists"
    -o "Dir::Cache=$WORK/apt/cache"
    -o "APT::Sandbox::User=$(id -un)")
  "${APT[@]}" update
}

download_packages() {
  cd "$WORK/debs"
  "${APT[@]}" download "${DEBS[@]}"
  "${APT[@]}" source --download-only kubernetes
  local deb
  for deb in *.deb; do dpkg -x "$deb" "$WORK/root"; done
}

unpack_source() {
  tar -xzf "$WORK"/debs/kubernetes_*.orig.tar.gz -C "$K8S" --strip-components=1
  tar -xJf "$WORK"/debs/kubernetes_*.debian.tar.xz -C "$K8S"
  grep -qF "really$K8S_VERSION" "$K8S/debian/changelog" || { echo "source is not $K8S_VERSION"; return 1; }
  # Debian's patches carry its security fixes; apply them as dpkg-source would (no dpkg-dev needed).
  local patch
  while read -r patch _; do
    [[ -z $patch || $patch == \#* ]] && continue
    echo "patch $patch"
    patch -d "$K8S" -p1 --forward --quiet <"$K8S/debian/patches/$patch"
  done <"$K8S/debian/patches/series"
}

# The vendored reflect2 1.0.1 crashes under Go 1.19 on the first custom resource create
# (fault in UnsafeMapType.UnsafeIterate); Debian's 1.0.2 fixes it.
swap_reflect2() {
  local vendored=$K8S/vendor/github.com/modern-go/reflect2
  rm -rf "$vendored"
  cp -r "$WORK/root/usr/share/gocode/src/github.com/modern-go/reflect2" "$vendored"
  rm -f "$vendored/go.mod" "$vendored/go.sum"
}

# zz_generated.openapi.go is not in the tarball. This mirrors build/root/Makefile.generated_files: every
# package tagged +k8s:openapi-gen= except code-generator's examples and the sample apiserver; staging/
# packages are imported under their k8s.io/... names.
generate_openapi() {
  cd "$K8S"
  go build -o "$WORK/bin/openapi-gen" ./vendor/k8s.io/kube-openapi/cmd/openapi-gen
  local inputs
  inputs=$(grep -rl --include='*.go' -E '^// *\+k8s:openapi-gen=' \
             --exclude-dir=vendor --exclude-dir=testdata --exclude-dir=_output --exclude-dir=debian . \
           | grep -v -e '^\./staging/src/k8s\.io/code-generator/' -e '^\./staging/src/k8s\.io/sample-apiserver/' \
           | xargs -n1 dirname | LC_ALL=C sort -u \
           | sed -e 's|^\./staging/src/||' -e 's|^\./|k8s.io/kubernetes/|' | paste -sd, -)
  echo "openapi-gen inputs: $inputs"
  "$WORK/bin/openapi-gen" --logtostderr \
    --input-dirs "$inputs" \
    --output-base "$GOPATH/src" \
    --output-package k8s.io/kubernetes/pkg/generated/openapi \
    --output-file-base zz_generated.openapi \
    --go-header-file hack/boilerplate/boilerplate.generatego.txt \
    --report-filename "$WORK/openapi-violations.txt"
  test -s pkg/generated/openapi/zz_generated.openapi.go
}

# One go build per command, all in one GOCACHE: after the first, most packages come from the cache.
build_commands() {
  cd "$K8S"
  local v=k8s.io/kubernetes/vendor/k8s.io ldflags="-s -w" key pkg
  # The version the server reports on /version; clients such as JOSDK read it.
  for pkg in component-base/version client-go/pkg/version; do
    for key in gitVersion=v$K8S_VERSION gitMajor=1 gitMinor=20 gitTreeState=clean \
               buildDate=1970-01-01T00:00:00Z; do
      ldflags+=" -X $v/$pkg.$key"
    done
  done
  local c
  for c in "$@"; do
    if [[ $c == kube-apiserver ]] && binaries_work; then say "kube-apiserver appeared meanwhile"; continue; fi
    say "go build ./cmd/$c"
    go build -o "$WORK/bin/$c" -ldflags "$ldflags" "./cmd/$c"
  done
}

# The pod sandbox's pause process, from the same source tree: no registry we can reach has the pause image.
# Static, so the image needs nothing but this file (scripts/testbed/node/images.sh packs it).
build_pause() {
  gcc -Os -static -o "$WORK/bin/pause" "$K8S/build/pause/linux/pause.c" -DVERSION="$K8S_VERSION-wakeq"
  strip "$WORK/bin/pause"
}

# Copy into a temp dir next to the target, check, then rename: a reader never sees a half-written binary,
# and an interrupted run leaves nothing that looks finished.
install_binaries() {
  mkdir -p "$OUT_DIR"
  local tmp b
  tmp=$(mktemp -d "$OUT_DIR/.install.XXXXXX")
  cp "$WORK/root/usr/bin/etcd" "$WORK/root/usr/bin/kubectl" "$WORK"/bin/kube* "$tmp/"
  [[ ! -f $WORK/bin/pause ]] || cp "$WORK/bin/pause" "$tmp/"
  chmod 755 "$tmp"/*
  "$tmp/etcd" --version && "$tmp/kubectl" version --client
  for b in "$tmp"/kube*; do [[ $b == */kubectl ]] || "$b" --version; done
  # etcd and kubectl first, kube-apiserver last: binaries_work checks all three.
  for b in etcd kubectl $(cd "$tmp" && ls | grep -vx -e etcd -e kubectl -e kube-apiserver) kube-apiserver; do
    [[ -f $tmp/$b ]] && mv -f "$tmp/$b" "$OUT_DIR/$b"
  done
  rmdir "$tmp"
}

main() {
  local check=false
  while (($#)); do
    case $1 in
      --node) WITH_NODE=true ;;
      --check) check=true ;;
      *) echo "usage: $0 [--node] [--check]" >&2; exit 2 ;;
    esac
    shift
  done
  if all_work; then
    say "ready: $OUT_DIR ($("$OUT_DIR/kube-apiserver" --version)$($WITH_NODE && echo ", node binaries too"))"
    exit 0
  fi
  local commands
  commands=$(missing_commands | paste -sd' ')
  if $check; then
    say "missing or broken in $OUT_DIR: ${commands:-pause} (build with scripts/testbed/kube-apiserver.sh$($WITH_NODE && echo ' --node'): 4-15 minutes)"
    exit 1
  fi
  [[ $(uname -m) == x86_64 ]] || { say "only linux-amd64 is supported (the dir kube-api-test looks in)"; exit 1; }

  WORK=$(mktemp -d "${TMPDIR:-/tmp}/kube-apiserver-build.XXXXXX")
  LOG=$WORK/build.log
  trap finish EXIT
  local started=$SECONDS
  mkdir -p "$WORK"/{debs,root,bin}

  # GOPATH mode: module mode fails on this tree ("updates to go.mod needed"). Nothing leaves the work dir.
  export GOPATH=$WORK/gopath GOCACHE=$WORK/gocache GOROOT=$WORK/root/$GOROOT_IN_DEB
  export GO111MODULE=off GOPROXY=off GOFLAGS= CGO_ENABLED=0 GOTOOLCHAIN=local
  export PATH=$GOROOT/bin:$PATH
  K8S=$GOPATH/src/k8s.io/kubernetes
  mkdir -p "$K8S"

  step "apt-get update (private lists: bookworm main, binaries and sources)" setup_private_apt
  step "downloading ${DEBS[*]} and the source package kubernetes" download_packages
  step "unpacking the source and applying Debian's patches ($(go version))" unpack_source
  step "replacing vendored reflect2 1.0.1 with Debian's 1.0.2" swap_reflect2
  step "generating pkg/generated/openapi with the vendored openapi-gen" generate_openapi
  # shellcheck disable=SC2086 # one word per command
  [[ -z $commands ]] || step "go build $commands (the long part: minutes, more on a busy machine)" build_commands $commands
  ! $WITH_NODE || pause_works || step "gcc -static pause" build_pause
  step "installing into $OUT_DIR" install_binaries
  all_work || { say "installed binaries do not run"; exit 1; }
  local took=$((SECONDS - started))
  say "done in $((took / 60))m$((took % 60))s: $("$OUT_DIR/kube-apiserver" --version), etcd and kubectl$($WITH_NODE && echo ", the node's binaries") in $OUT_DIR"
}

# Called on the last line so bash has read the whole file before running any of it: editing or pulling this
# script during a build cannot derail the running copy.
main "$@"
