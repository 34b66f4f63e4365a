#!/usr/bin/env bash
# Tests of wakeq-install: rename-based replacement, idempotence, modes, errors, --all, --prune-except.
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

# --prune-except deletes the other versions' libraries and nothing else: never a version it keeps, never a
# file whose name is not exactly libwakeq_notify_<[a-z0-9_]{1,16}>.so.
pr=$work/prune
mkdir -p "$pr"
for v in v1 v2 v3 old_1; do cp "$lib" "$pr/libwakeq_notify_$v.so"; done
for other in libother.so libwakeq_notify_V9.so .libwakeq_notify_v0.so.tmp.abc123 libwakeq_notify_v4.so.bak \
    libwakeq_notify_.so libwakeq_notify_abcdefghijklmnopq.so; do
  printf 'x' >"$pr/$other"
done
listing() { (cd "$pr" && LC_ALL=C ls -A | tr '\n' ' '); }
others=".libwakeq_notify_v0.so.tmp.abc123 libother.so libwakeq_notify_.so libwakeq_notify_V9.so \
libwakeq_notify_abcdefghijklmnopq.so libwakeq_notify_v4.so.bak"
# A server that loaded v1 keeps it mapped; unlinking must leave the mapped bytes intact.
python3 -c '
import mmap, subprocess, sys
with open(sys.argv[1], "rb") as f:
    m = mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ)
subprocess.run(sys.argv[3:], check=True, stdout=subprocess.DEVNULL)
sys.exit(0 if m[:] == open(sys.argv[2], "rb").read() else 1)
' "$pr/libwakeq_notify_v1.so" "$lib" "$installer" --prune-except v3,v2 --listed "libwakeq_notify_v3.so" "$pr" \
  && ok "a mapped library pruned under the mapping keeps its bytes" || bad "mapping changed or prune failed"
[[ $(listing) == "$(printf '%s\n' $others libwakeq_notify_v2.so libwakeq_notify_v3.so | LC_ALL=C sort | tr '\n' ' ')" ]] \
  && ok "--prune-except v3,v2 removed v1 and old_1 only" || bad "left: $(listing)"
cp "$lib" "$pr/libwakeq_notify_v1.so"
expect_rc 0 "--prune-except v3" -- "$installer" --prune-except v3 --listed "" "$pr"
grep -q "removed $pr/libwakeq_notify_v1.so" "$work/out" && grep -q "removed $pr/libwakeq_notify_v2.so" "$work/out" \
  && grep -q "kept $pr/libwakeq_notify_v3.so" "$work/out" && ok "reports removed and kept" || bad "output: $(cat "$work/out")"
expect_rc 0 "--prune-except again" -- "$installer" --prune-except v3 --listed "" "$pr"
grep -q "nothing to prune" "$work/out" && ok "--prune-except is idempotent" || bad "output: $(cat "$work/out")"
cp "$lib" "$pr/libwakeq_notify_v1.so"
expect_rc 66 "a version to keep is missing (a typo)" -- "$installer" --prune-except v4 --listed "" "$pr"
expect_rc 66 "one of the versions to keep is missing" -- "$installer" --prune-except v3,v4 --listed "" "$pr"
[[ -f $pr/libwakeq_notify_v1.so && -f $pr/libwakeq_notify_v3.so ]] && ok "refused prune removed nothing" \
  || bad "refused prune removed files: $(listing)"
for list in '' ',' 'v1,' ',v1' 'v1,,v3' 'V1' '../v1' 'v1/x' 'v1 v3' 'abcdefghijklmnopq' \
    'a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q'; do
  expect_rc 64 "bad keep list '$list'" -- "$installer" --prune-except "$list" --listed "" "$pr"
done
[[ -f $pr/libwakeq_notify_v1.so ]] && ok "bad lists removed nothing" || bad "bad list removed v1"
expect_rc 64 "--prune-except without a plugin dir" -- "$installer" --prune-except v3 --listed ""
expect_rc 73 "--prune-except with a missing plugin dir" -- "$installer" --prune-except v3 --listed "" "$work/nowhere"
# The server still loads v1 from a function in mysql.func: pruning it would crash MySQL 8 at its next start.
expect_rc 65 "a library the server still lists" -- "$installer" --prune-except v3 \
  --listed "$(printf 'libother.so\nlibwakeq_notify_v1.so\n')" "$pr"
grep -q "still lists a function loading libwakeq_notify_v1.so" "$work/out" && [[ -f $pr/libwakeq_notify_v1.so ]] \
  && ok "a listed library is never pruned, and nothing else is either" || bad "output: $(cat "$work/out")"
expect_rc 64 "--prune-except without --listed" -- "$installer" --prune-except v3 "$pr"
grep -q "needs --listed" "$work/out" && [[ -f $pr/libwakeq_notify_v1.so ]] && ok "--listed is required" \
  || bad "output: $(cat "$work/out")"

echo "$pass passed, $fail failed"
[[ $fail == 0 ]]
