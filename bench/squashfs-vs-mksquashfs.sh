#!/usr/bin/env bash
# jimg's squashfs writer vs mksquashfs on the same directory: wall time, image size and peak RSS,
# best of N runs each (the two tools taking turns), for each compressor; prints the time and size
# ratios (jimg / mksquashfs).
#
# Usage: bench/squashfs-vs-mksquashfs.sh DIR [RUNS] [COMPRESSORS]   (default 3, "zstd gzip xz")
# Runs `./jimg mkfs squashfs` (the launcher; JVM start included) and `mksquashfs DIR OUT -comp C
# -processors 2 -noappend`: both use 2 threads and their default level and block size (128K).
set -euo pipefail

root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
dir=$(readlink -f "$1")
runs=${2:-3}
comps=${3:-zstd gzip xz}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$root/jimg" --version >/dev/null # build the jar and its CDS archive outside the timed runs

# one run of a command: appends "wall_seconds peak_rss_kb bytes_used" to the file named first;
# bytes_used is read from the superblock (offset 40, u64 LE): the size before padding to 4 KiB
run() {
  local log=$1 s kb
  shift
  rm -f "$work/out.sqfs"
  /usr/bin/time -f '%e %M' -o "$work/t" "$@" >/dev/null 2>&1
  read -r s kb < "$work/t"
  echo "$s $kb $(od -An -t u8 -j 40 -N 8 "$work/out.sqfs" | tr -d ' ')" >> "$log"
}
# best wall seconds, largest peak RSS (MB) and the image's bytes_used from a run log
best() {
  awk 'NR == 1 || $1 < b {b = $1} $2 > r {r = $2} {u = $3} END {print b, int(r / 1024), u}' "$1"
}

echo "input: $dir ($(du -sb "$dir" | cut -f1) bytes), $(nproc) CPUs, best of $runs, the tools taking turns"
printf '%-5s %10s %10s %12s %12s %8s %8s %7s %7s\n' comp jimg_s mksq_s jimg_used mksq_used jimg_MB mksq_MB time_x size_x
for c in $comps; do
  : > "$work/jimg.log"
  : > "$work/mksq.log"
  for _ in $(seq "$runs"); do
    run "$work/jimg.log" "$root/jimg" mkfs squashfs -q --compression "$c" --threads 2 "$work/out.sqfs" "$dir"
    run "$work/mksq.log" mksquashfs "$dir" "$work/out.sqfs" -comp "$c" -processors 2 -noappend -quiet -no-progress
  done
  read -r js jr jb < <(best "$work/jimg.log")
  read -r ms mr mb < <(best "$work/mksq.log")
  printf '%-5s %10s %10s %12s %12s %8s %8s %7.2f %7.3f\n' "$c" "$js" "$ms" "$jb" "$mb" "$jr" "$mr" \
    "$(echo "$js $ms" | awk '{print $1/$2}')" "$(echo "$jb $mb" | awk '{print $1/$2}')"
done
