#!/bin/bash
# Makes the tar fixtures in this directory, deterministically. Run as root on Debian 12 from this
# directory: ./make-fixtures.sh   (needs GNU tar 1.34, bsdtar/libarchive 3.6, python3, attr, xz,
# zstd, bzip2, gzip). Every archive holds the same tree (see README.md); each dialect keeps what its
# format can.
set -euo pipefail
export LC_ALL=C TZ=UTC
umask 022
out=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
r=$work/root
mkdir -p "$r/dir" "$r/long-directory"

T=1700000000.123456789           # mtime with nanoseconds (kept by PAX only)
printf 'hello\n' >"$r/dir/file.txt"
setfattr -n user.comment -v 'hello xattr' "$r/dir/file.txt"
setfattr -n user.bin -v 0x0080ff0a00 "$r/dir/file.txt"   # binary value: not valid UTF-8
ln "$r/dir/file.txt" "$r/dir/hard"
ln -s dir/file.txt "$r/link"
long=$(printf 'n%.0s' $(seq 1 150))
printf 'long\n' >"$r/long-directory/$long.txt"
printf 'latin1\n' >"$r/$(printf 'caf\xe9')"
mkfifo "$r/fifo"
mknod "$r/null" c 1 3
printf '#!/bin/sh\n' >"$r/setuid"
truncate -s 1M "$r/sparse"
printf 'head' | dd of="$r/sparse" bs=1 conv=notrunc status=none
printf 'middle' | dd of="$r/sparse" bs=1 seek=524288 conv=notrunc status=none
printf 'old\n' >"$r/old"
printf 'future\n' >"$r/future"

chown -R 0:0 "$r"
chown 1234:5678 "$r/dir" "$r/dir/file.txt"
chown -h 4000000000:7 "$r/link"          # uid above 2^31 (base-256/PAX in GNU, PAX elsewhere)
chmod 0750 "$r/dir"
chmod 4755 "$r/setuid"                  # after chown, which clears setuid
chmod 0600 "$r/long-directory/$long.txt"
chmod 0644 "$r/fifo"
chmod 0666 "$r/null"
find "$r" -depth -exec touch -h -d "@$T" {} +
touch -d '@-1000' "$r/old"              # before 1970: base-256 in GNU, PAX elsewhere
touch -d '@10000000000' "$r/future"     # year 2286: beyond 11 octal digits

# GNU tar names PAX sparse headers GNUSparseFile.<pid>: run it as pid 1 of a new pid namespace.
tar() { unshare --pid --fork /usr/bin/tar "$@"; }
gnutar() { tar --sort=name --numeric-owner -C "$r" "$@" .; }
pax_fixed=exthdr.name=%d/PaxHeaders/%f,atime:=1700000001.5,ctime:=1700000002.987654321

# 1. GNU tar, GNU format (old GNU sparse 'S' entries, base-256 numbers, no nanoseconds, no xattrs)
gnutar --format=gnu --sparse -cf "$work/gnu.tar"
gzip -9n <"$work/gnu.tar" >"$out/tree-gnu.tar.gz"
# 2. GNU tar, POSIX format (PAX: nanoseconds, atime/ctime, SCHILY.xattr, GNU sparse 1.0)
gnutar --format=posix --sparse --xattrs --xattrs-include='user.*' --pax-option="$pax_fixed" \
  -cf "$work/posix.tar"
xz -9e --check=crc64 <"$work/posix.tar" >"$out/tree-posix.tar.xz"
# 3. bsdtar (libarchive), pax format: LIBARCHIVE.xattr + SCHILY.xattr, its own sparse records.
#    It reads the disk (it refuses GNU tar's raw non-UTF-8 PAX paths, which lack hdrcharset), so
#    its atime and ctime records are the host's: the one part of the fixtures that is not fixed.
bsdtar --format=pax --numeric-owner --xattrs -C "$r" -cf - . | zstd -19 -q >"$out/tree-bsdtar.tar.zst"
# 4. Python's tarfile, PAX format (float mtimes, no xattrs, no sparse, hdrcharset=BINARY names)
python3 - "$r" "$work/python.tar" <<'PY'
import sys, tarfile
root, dest = sys.argv[1], sys.argv[2]
def fix(ti):
    ti.uname = ti.gname = ""
    return ti
with tarfile.open(dest, "w", format=tarfile.PAX_FORMAT) as t:
    t.add(root, arcname=".", filter=fix)
PY
bzip2 -9 <"$work/python.tar" >"$out/tree-python.tar.bz2"
# 5. ustar (no long-name records beyond prefix/name, no base-256, no nanoseconds): a subset
tar --sort=name --numeric-owner --format=ustar -C "$r" -cf "$work/ustar.tar" \
  ./dir ./fifo ./null ./setuid
gzip -9n <"$work/ustar.tar" >"$out/tree-ustar.tar.gz"
# 6. the sparse file alone in each GNU sparse dialect
for v in 0.0 0.1 1.0; do
  tar --numeric-owner --format=posix --sparse --sparse-version=$v --pax-option="$pax_fixed" \
    -C "$r" -cf - ./sparse | gzip -9n >"$out/sparse-$v.tar.gz"
done
tar --numeric-owner --format=gnu --sparse -C "$r" -cf - ./sparse | gzip -9n >"$out/sparse-oldgnu.tar.gz"
# 7. an all-hole file followed by a small one: the reader must land on the next header
h=$work/hole
mkdir -p "$h"
truncate -s 1M "$h/hole"
printf 'after\n' >"$h/after"
touch -d "@$T" "$h/hole" "$h/after"
tar --numeric-owner --format=posix --sparse --pax-option="$pax_fixed" -C "$h" -cf - ./hole ./after \
  | gzip -9n >"$out/sparse-hole-1.0.tar.gz"
tar --numeric-owner --format=gnu --sparse -C "$h" -cf - ./hole ./after \
  | gzip -9n >"$out/sparse-hole-oldgnu.tar.gz"
ls -l "$out"
