#!/usr/bin/env bash
# Compares `jimg extract` with GNU `tar -xpf` on the same tar, each writing a new directory under
# DEST (tmpfs by default, so that the host filesystem's inode allocation, which both pay alike, does
# not hide the tools' own cost). The two take turns for RUNS runs each (JVM start included for jimg),
# after a `sync`; prints the best and median wall time and the best CPU time (user + sys) of each,
# the peak RSS, and the ratios jimg / tar. Device nodes are skipped by jimg (a JVM cannot make
# them); tar makes them, as root.
# usage: bench/extract-vs-tar.sh TAR [RUNS] [DEST]   (default RUNS 5, DEST /dev/shm)
# Needs root (owners and devices for tar), GNU tar and /usr/bin/time.
set -euo pipefail
[ $# -ge 1 ] || { sed -n '2,9p' "$0"; exit 2; }
tarball=$(readlink -f "$1"); runs=${2:-5}; dest=${3:-/dev/shm}
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
work=$(mktemp -d "$dest/jimg-bench.XXXXXX")
times=$(mktemp -d /tmp/jimg-bench-times.XXXXXX)
trap 'rm -rf "$work" "$times"' EXIT

"$root/jimg" --version >/dev/null # build the jar and its CDS archive outside the timed runs

# run NAME command... : one timed run into $work/out, appended to $times/NAME as "wall rss user sys"
run() {
  local name=$1
  shift
  rm -rf "$work/out"
  sync
  /usr/bin/time -f '%e %M %U %S' -o "$times/t" "$@" >/dev/null 2>"$times/err" ||
    { cat "$times/err" >&2; exit 1; }
  cat "$times/t" >>"$times/$name"
}
stats() { # NAME ; prints "best_wall median_wall max_rss_kb best_cpu"
  local n
  n=$(wc -l <"$times/$1")
  echo "$(sort -n "$times/$1" | head -1 | cut -d' ' -f1) $(sort -n "$times/$1" | sed -n "$(((n + 1) / 2))p" | cut -d' ' -f1)" \
    "$(sort -n -k2 "$times/$1" | tail -1 | cut -d' ' -f2) $(awk '{print $3 + $4}' "$times/$1" | sort -n | head -1)"
}

: >"$times/jimg"
: >"$times/tar"
for ((i = 0; i < runs; i++)); do
  run jimg "$root/jimg" extract -q --unsupported skip "$tarball" "$work/out"
  run tar bash -c 'mkdir "$1" && tar --numeric-owner -xpf "$2" -C "$1"' _ "$work/out" "$tarball"
done
read -r jb jm jr jc < <(stats jimg)
read -r tb tm tr tc < <(stats tar)
printf 'input:   %s (%s entries), into %s\n' "$tarball" "$(tar -tf "$tarball" | wc -l)" "$dest"
printf '%-6s %8.2f s best  %8.2f s median  %6.2f s CPU  %8d KB peak RSS\n' jimg "$jb" "$jm" "$jc" "$jr"
printf '%-6s %8.2f s best  %8.2f s median  %6.2f s CPU  %8d KB peak RSS\n' tar "$tb" "$tm" "$tc" "$tr"
awk -v a="$jb" -v b="$tb" -v c="$jm" -v d="$tm" -v n="$runs" 'BEGIN {
  printf "ratio:   %.2f best, %.2f median (jimg / tar, %d runs each; load %s)\n",
    (b > 0 ? a / b : 0), (d > 0 ? c / d : 0), n, "'"$(cut -d' ' -f1 /proc/loadavg)"'" }'
