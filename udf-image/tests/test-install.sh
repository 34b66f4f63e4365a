#!/usr/bin/env bash
# Tests of wakeq-install: rename-based replacement, idempotence, modes, errors, --all.
set -euo pipefail
installer=$(realpath "$1") lib=$(realpath "$2")
name=$(basename "$lib")
work=$(mktemp -d /tmp/wakeq-udf-install.XXXXXX)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
expect_rc() { # expect_rc WANT DESCRIPTION -- command...
  local want=$1 what=$2; shift 3
  local rc=0; "$@" >"$work/out" 2>&1 || rc=$?
  if [[ $rc == "$want" ]]; then ok "$what (exit $rc)"; else bad "$what: exit $rc, want $want: $(cat "$work/out")"; fi
}

plugins=$work/plugins src=$work/src
mkdir -p "$plugins" "$src"

expect_rc 0 "fresh install" -- "$installer" "$lib" "$plugins"
cmp -s "$lib" "$plugins/$name" && ok "content copied" || bad "content differs"
[[ $(stat -c %a "$plugins/$name") == 644 ]] && ok "mode 0644" || bad "mode $(stat -c %a "$plugins/$name")"

inode=$(stat -c %i "$plugins/$name")
expect_rc 0 "same content again" -- "$installer" "$lib" "$plugins"
grep -q unchanged "$work/out" && ok "reports unchanged" || bad "not reported unchanged: $(cat "$work/out")"
[[ $(stat -c %i "$plugins/$name") == "$inode" ]] && ok "idempotent: file untouched" || bad "file was replaced"

# A server holds the old file open (mapped); the replacement must not change what it sees.
cp "$lib" "$src/$name"
printf 'rebuilt' >>"$src/$name"
exec 3<"$plugins/$name"
expect_rc 0 "replace with new content" -- "$installer" "$src/$name" "$plugins"
cmp -s "$src/$name" "$plugins/$name" && ok "new content in place" || bad "new content missing"
[[ $(stat -c %i "$plugins/$name") != "$inode" ]] && ok "replaced by rename (new inode)" || bad "same inode: written in place"
cmp -s /proc/self/fd/3 "$lib" && ok "the open old file kept its bytes" || bad "old file was modified in place"
exec 3<&-
ls -A "$plugins" | grep -q '^\.' && bad "temp file left behind: $(ls -A "$plugins")" || ok "no temp files left"

chmod 0600 "$plugins/$name"
expect_rc 0 "same content but wrong mode" -- "$installer" "$src/$name" "$plugins"
[[ $(stat -c %a "$plugins/$name") == 644 ]] && ok "mode repaired" || bad "mode still $(stat -c %a "$plugins/$name")"

expect_rc 64 "no arguments" -- "$installer"
expect_rc 64 "unknown option" -- "$installer" --bogus "$lib" "$plugins"
cp "$lib" "$src/libother.so"
expect_rc 64 "file name not libwakeq_notify_<v>.so" -- "$installer" "$src/libother.so" "$plugins"
cp "$lib" "$src/libwakeq_notify_V1.so"
expect_rc 64 "upper-case version token" -- "$installer" "$src/libwakeq_notify_V1.so" "$plugins"
expect_rc 66 "missing source" -- "$installer" "$src/libwakeq_notify_nope.so" "$plugins"
mkdir "$src/libwakeq_notify_dir.so"
expect_rc 66 "source is a directory" -- "$installer" "$src/libwakeq_notify_dir.so" "$plugins"
expect_rc 73 "missing plugin dir" -- "$installer" "$lib" "$work/nowhere"
expect_rc 73 "plugin dir is a file" -- "$installer" "$lib" "$lib"
if [[ $(id -u) != 0 ]]; then
  mkdir "$work/ro" && chmod 0555 "$work/ro"
  expect_rc 73 "read-only plugin dir" -- "$installer" "$lib" "$work/ro"
fi

# --all installs every library of the image, and nothing else.
all=$work/all target=$work/target
mkdir -p "$all" "$target"
cp "$lib" "$all/libwakeq_notify_v1.so"
cp "$lib" "$all/libwakeq_notify_v2.so"
printf 'x' >"$all/README"
expect_rc 0 "--all" -- "$installer" --all "$all" "$target"
[[ $(ls "$target" | tr '\n' ' ') == "libwakeq_notify_v1.so libwakeq_notify_v2.so " ]] \
  && ok "--all installed both versions only" || bad "--all installed: $(ls "$target")"
expect_rc 0 "--all again" -- "$installer" --all "$all" "$target"
[[ $(grep -c unchanged "$work/out") == 2 ]] && ok "--all is idempotent" || bad "--all: $(cat "$work/out")"
expect_rc 66 "--all with no libraries" -- "$installer" --all "$target/../src/libwakeq_notify_dir.so" "$target"
expect_rc 66 "--all with a missing dir" -- "$installer" --all "$work/none" "$target"

echo "$pass passed, $fail failed"
[[ $fail == 0 ]]
