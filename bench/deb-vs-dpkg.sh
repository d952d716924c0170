#!/usr/bin/env bash
# Unpacking a set of .deb packages (by default the Debian bookworm minbase set, 96 packages) with jimg
# versus a loop of `dpkg-deb --fsys-tarfile PKG | tar -x --keep-directory-symlink -C DIR`, both over
# the same merged-/usr skeleton (bin, sbin, lib, lib64 -> usr/...), packages in file-name order.
# Runs the two round-robin RUNS times (so a busy moment on a shared machine hits both alike) and
# prints wall and CPU (user + system) seconds, best and median, and the ratios jimg / dpkg-deb|tar
# (target <= 0.5).
#
# What jimg runs: `jimg extract -q BASE.tar PKG.deb... DIR`: every data.tar decompressed and parsed,
# entries laid over the skeleton as dpkg would (directory symlinks followed, conflicts checked), the
# dpkg database written, and the tree written into DIR (page cache; no fsync either side), as the
# peer's tar -x writes it. JVM start-up is included in jimg's time. (Until session 7, when extract
# did not exist, `jimg ls` stood in: the same unpack without writing the files.)
#
# Both write under DEST, tmpfs by default: on a disk filesystem the inodes freed by the round before
# are skipped by ext4's allocator for a minute or more, which made either side's time swing by 50%
# (3.0 to 4.5 s for the same jimg build) with whatever had been deleted just before.
#
# usage: bench/deb-vs-dpkg.sh [DEBDIR] [RUNS] [DEST]
#   DEBDIR: a directory of .deb files (default $JIMG_DEB_CORPUS, else /var/tmp/jimg-corpus/debs)
#   RUNS:   rounds (default 5)
#   DEST:   where both unpack (default /dev/shm)
#   JIMG=PATH runs another jimg launcher (e.g. a main checkout's, to compare two builds)
# Needs dpkg-deb, GNU tar, /usr/bin/time; run as root so that tar keeps owners, as dpkg does.
set -euo pipefail
[[ ${1:-} == -h || ${1:-} == --help ]] && { sed -n '2,23p' "$0"; exit 0; }
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
debdir=$(readlink -f "${1:-${JIMG_DEB_CORPUS:-/var/tmp/jimg-corpus/debs}}")
runs=${2:-5}
dest=${3:-/dev/shm}
jimg=${JIMG:-$root/jimg}
work=$(mktemp -d "$dest/jimg-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

mapfile -t debs < <(find "$debdir" -maxdepth 1 -name '*.deb' | LC_ALL=C sort)
((${#debs[@]} > 0)) || { echo "deb-vs-dpkg.sh: no .deb files in $debdir" >&2; exit 2; }

# the merged-/usr skeleton both sides start from
mkdir -p "$work/skel/usr/bin" "$work/skel/usr/sbin" "$work/skel/usr/lib" "$work/skel/usr/lib64"
for l in bin sbin lib lib64; do ln -s "usr/$l" "$work/skel/$l"; done
tar --numeric-owner --owner=0 --group=0 -C "$work/skel" -cf "$work/base.tar" .

"$jimg" --version >/dev/null # build the jar and the CDS archive before timing

cat >"$work/dpkg.sh" <<'SH'
dir=$1; shift
for deb in "$@"; do
  dpkg-deb --fsys-tarfile "$deb" | tar -x --keep-directory-symlink -C "$dir"
done
SH

# wall and CPU milliseconds of a command, as "WALL CPU"
measure() {
  local s e
  s=$(date +%s%N)
  /usr/bin/time -f '%U %S' -o "$work/t" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  e=$(date +%s%N)
  awk -v w=$(((e - s) / 1000000)) '{ printf "%d %d\n", w, ($1 + $2) * 1000 }' "$work/t"
}

echo "packages: ${#debs[@]} from $debdir ($(du -sh "$debdir" | cut -f1))," \
  "$(nproc) CPUs, unpacking into $dest ($(stat -f -c %T "$dest")), load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
: >"$work/jimg.ms"
: >"$work/dpkg.ms"
for ((i = 0; i < runs; i++)); do
  # each side starts with no dirty pages of the other's writes: without the sync, the peer's run
  # took 3.4-10 s, depending on the writeback of the files it had unpacked the round before
  sync
  rm -rf "$work/jout"
  measure "$jimg" extract -q "$work/base.tar" "${debs[@]}" "$work/jout" >>"$work/jimg.ms"
  rm -rf "$work/out" && cp -a "$work/skel" "$work/out"
  sync
  measure bash "$work/dpkg.sh" "$work/out" "${debs[@]}" >>"$work/dpkg.ms"
done

# sanity: both sides made the same number of entries outside the dpkg database
jimg_entries=$(cd "$work/jout" && find . ! -path './var/lib/dpkg/*' ! -path ./var/lib/dpkg | wc -l)
dpkg_entries=$(cd "$work/out" && find . ! -path './var/lib/dpkg/*' ! -path ./var/lib/dpkg | wc -l)

stats() { # column of FILE -> "best median"
  local col=$1 file=$2
  cut -d' ' -f"$col" "$file" | sort -n | awk '{ v[NR] = $1 } END { printf "%.2f %.2f\n", v[1] / 1000, v[int((NR + 1) / 2)] / 1000 }'
}
read -r jwb jwm < <(stats 1 "$work/jimg.ms")
read -r jcb jcm < <(stats 2 "$work/jimg.ms")
read -r dwb dwm < <(stats 1 "$work/dpkg.ms")
read -r dcb dcm < <(stats 2 "$work/dpkg.ms")
printf '%-15s %9s %9s %9s %9s %8s\n' "" "wall best" "wall med" "CPU best" "CPU med" entries
printf '%-15s %8ss %8ss %8ss %8ss %8d\n' jimg "$jwb" "$jwm" "$jcb" "$jcm" "$jimg_entries"
printf '%-15s %8ss %8ss %8ss %8ss %8d\n' "dpkg-deb | tar" "$dwb" "$dwm" "$dcb" "$dcm" "$dpkg_entries"
awk -v a="$jwb" -v b="$dwb" -v c="$jwm" -v d="$dwm" -v e="$jcm" -v f="$dcm" 'BEGIN {
  printf "ratio jimg / dpkg-deb|tar: wall best %.2f, wall median %.2f, CPU median %.2f (target <= 0.5)\n",
    a / b, c / d, e / f }'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
