#!/usr/bin/env bash
# jimg's squashfs writer vs mksquashfs on the same directory: wall time, image size and peak RSS,
# best of N runs each, for each compressor; prints the time and size ratios (jimg / mksquashfs).
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

# best wall seconds and peak RSS (MB) of a command over $runs runs
measure() {
  local best=999999 rss=0
  for _ in $(seq "$runs"); do
    rm -f "$work/out.sqfs"
    /usr/bin/time -f '%e %M' -o "$work/t" "$@" >/dev/null 2>&1
    read -r s kb < "$work/t"
    best=$(echo "$s $best" | awk '{print ($1 < $2) ? $1 : $2}')
    rss=$(( kb / 1024 > rss ? kb / 1024 : rss ))
  done
  # bytes_used from the superblock (offset 40, u64 LE): the size before padding to 4 KiB
  echo "$best $rss $(od -An -t u8 -j 40 -N 8 "$work/out.sqfs" | tr -d ' ')"
}

echo "input: $dir ($(du -sb "$dir" | cut -f1) bytes), $(nproc) CPUs, best of $runs"
printf '%-5s %10s %10s %12s %12s %8s %8s %7s %7s\n' comp jimg_s mksq_s jimg_used mksq_used jimg_MB mksq_MB time_x size_x
for c in $comps; do
  read -r js jr jb < <(measure "$root/jimg" mkfs squashfs -q --compression "$c" --threads 2 "$work/out.sqfs" "$dir")
  read -r ms mr mb < <(measure mksquashfs "$dir" "$work/out.sqfs" -comp "$c" -processors 2 -noappend -quiet -no-progress)
  printf '%-5s %10s %10s %12s %12s %8s %8s %7.2f %7.3f\n' "$c" "$js" "$ms" "$jb" "$mb" "$jr" "$mr" \
    "$(echo "$js $ms" | awk '{print $1/$2}')" "$(echo "$jb $mb" | awk '{print $1/$2}')"
done
