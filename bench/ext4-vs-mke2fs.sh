#!/usr/bin/env bash
# Compares jimg's ext4 writer with `mke2fs -t ext4 -b 4096 -d DIR` on the same input: the two take
# turns for RUNS runs each (JVM start included for jimg); prints the best wall time, the best CPU
# time (user + sys) and the peak RSS of each, and the ratios jimg/mke2fs. Both images get the same
# size (jimg's planned size); jimg's is checked with e2fsck -fn once.
# usage: bench/ext4-vs-mke2fs.sh SOURCE [RUNS]
#   SOURCE: a directory or a tar (a tar is extracted once for mke2fs, which needs a directory; jimg
#   reads the tar itself)
# Needs root, /usr/bin/time and e2fsprogs; jimg runs as ./jimg (JVM start included).
set -euo pipefail
[ $# -ge 1 ] || { sed -n '2,8p' "$0"; exit 2; }
src=$(readlink -f "$1"); runs=${2:-3}
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
work=$(mktemp -d /tmp/jimg-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

dir=$src
if [ -f "$src" ]; then
  dir=$work/src; mkdir "$dir"
  tar --xattrs --xattrs-include='*' --numeric-owner -xpf "$src" -C "$dir"
fi

"$root/jimg" --version >/dev/null # build the jar and its CDS archive outside the timed runs
jimg=("$root/jimg" mkfs ext4 "$work/jimg.img" "$src")

# run NAME command... : one timed run, appended to $work/NAME as "wall_s max_rss_kb user_s sys_s"
run() {
  local name=$1
  shift
  rm -f "$work/jimg.img" "$work/mke2fs.img"
  /usr/bin/time -f '%e %M %U %S' -o "$work/t" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  cat "$work/t" >> "$work/$name"
}
best() { # NAME ; prints "best_wall_seconds max_rss_kb best_cpu_seconds" (CPU: user + sys)
  echo "$(sort -n "$work/$1" | head -1 | cut -d' ' -f1,2) $(awk '{print $3 + $4}' "$work/$1" | sort -n | head -1)"
}

# One untimed run gives the image size (mke2fs gets the same) and warms the page cache; then the two
# tools take turns, so a machine whose speed drifts (a shared VM) slows both alike.
"${jimg[@]}" >/dev/null
size=$(stat -c %s "$work/jimg.img")
e2fsck -fn "$work/jimg.img" >/dev/null 2>&1 || echo "bench: e2fsck found problems in jimg's image" >&2
blocks=$((size / 4096))
: > "$work/jimg"
: > "$work/mke2fs"
for ((i = 0; i < runs; i++)); do
  run jimg "${jimg[@]}"
  run mke2fs mke2fs -q -F -t ext4 -b 4096 -d "$dir" "$work/mke2fs.img" "$blocks"
done
read -r jt jr jc < <(best jimg)
read -r mt mr mc < <(best mke2fs)
printf 'input:   %s (%s entries)\n' "$src" "$(find "$dir" | wc -l)"
printf 'size:    %s bytes\n' "$size"
printf 'jimg:    %6.2f s wall  %6.2f s CPU  %8d KB peak RSS\n' "$jt" "$jc" "$jr"
printf 'mke2fs:  %6.2f s wall  %6.2f s CPU  %8d KB peak RSS\n' "$mt" "$mc" "$mr"
awk -v a="$jt" -v b="$mt" -v c="$jc" -v d="$mc" -v n="$runs" 'BEGIN {
  printf "ratio:   %.2f wall, %.2f CPU (jimg / mke2fs, best of %d runs each; load %s)\n",
    (b > 0 ? a / b : 0), (d > 0 ? c / d : 0), n, "'"$(cut -d' ' -f1 /proc/loadavg)"'" }'
