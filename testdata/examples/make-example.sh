#!/usr/bin/env bash
# Makes testdata/examples/rootfs.tar, the small root filesystem that README's first command lists,
# byte for byte the same on every run and machine (GNU tar >= 1.28), and rootfs.ls, the listing
# `jimg ls rootfs.tar` is expected to print (written by an independent Python formatter, so the CLI
# test compares against something jimg did not produce).
#
# It holds: directories (one sticky, one 0750 owned by 1000:1000), regular files (one empty, one
# with a nanosecond mtime), an executable, a setuid file, a symlink, a hard link and a character
# device. The device needs root: run as root, or the script re-runs itself under fakeroot.
#
# Usage: testdata/examples/make-example.sh        (writes next to itself)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)

if [[ $(id -u) -ne 0 ]]; then
  if command -v fakeroot >/dev/null; then
    exec fakeroot -- "$0" "$@"
  fi
  echo "make-example.sh: needs root or fakeroot (for mknod and chown)" >&2
  exit 1
fi

# 2026-01-01T00:00:00Z: every entry's mtime unless it is older (--clamp-mtime).
epoch=1767225600

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
r=$work/rootfs
umask 022
mkdir -p "$r"/{etc,home/user,tmp,usr/bin,var/log,dev}

printf 'jimg-example\n' >"$r/etc/hostname"
printf 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\n' >"$r/etc/passwd"
printf 'root:*:20454:0:99999:7:::\nuser:*:20454:0:99999:7:::\n' >"$r/etc/shadow"
: >"$r/etc/motd"
printf '#!/bin/sh\necho "hello from jimg"\n' >"$r/usr/bin/hello"
printf '#!/bin/sh\nexec id\n' >"$r/usr/bin/su"
ln "$r/usr/bin/hello" "$r/usr/bin/hello-again"
ln -s usr/bin "$r/bin"
printf 'written by user 1000\n' >"$r/home/user/notes.txt"
mknod "$r/dev/null" c 1 3

# owners first: chown clears setuid/setgid bits
chown -hR 0:0 "$r"
chown 1000:1000 "$r/home/user" "$r/home/user/notes.txt"
chmod 0755 "$r" "$r"/{etc,home,usr,usr/bin,var,var/log,dev}
chmod 0750 "$r/home/user"
chmod 1777 "$r/tmp"
chmod 0644 "$r"/etc/{hostname,passwd,motd} "$r/home/user/notes.txt"
chmod 0640 "$r/etc/shadow"
chmod 0755 "$r/usr/bin/hello"
chmod 4755 "$r/usr/bin/su"
chmod 0666 "$r/dev/null"

find "$r" -exec touch -h -d "@$epoch" {} +
# one older time with nanoseconds (kept: --clamp-mtime only lowers newer times)
touch -d '@1748779200.123456789' "$r/home/user/notes.txt"

tar --create --file="$here/rootfs.tar" --directory="$r" \
  --sort=name --format=posix --numeric-owner \
  --mtime="@$epoch" --clamp-mtime \
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
  .

python3 - "$here/rootfs.tar" >"$here/rootfs.ls" <<'PY'
# The listing jimg ls prints (see dev.jimg.cli.TreeListing), from Python's tarfile.
import datetime, sys, tarfile

def iso(mtime):
    # mtime is the pax text ("SECONDS[.FRACTION]"), parsed without floating point
    whole, _, fraction = mtime.partition(".")
    sec = int(whole)
    frac = int((fraction + "000000000")[:9])
    t = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=sec)
    s = t.strftime("%Y-%m-%dT%H:%M:%S")
    return s + (".%09d" % frac if frac else "") + "Z"

def norm(name):
    name = name[2:] if name.startswith("./") else name
    name = name.rstrip("/")
    return name or "."

with tarfile.open(sys.argv[1]) as tf:
    members = {norm(m.name): m for m in tf.getmembers()}
for path in sorted(members, key=lambda p: b"" if p == "." else p.encode()):
    m = members[path]
    meta = members[norm(m.linkname)] if m.islnk() else m
    letter = "h" if m.islnk() else {tarfile.DIRTYPE: "d", tarfile.SYMTYPE: "l", tarfile.CHRTYPE: "c",
                                     tarfile.BLKTYPE: "b", tarfile.FIFOTYPE: "p"}.get(m.type, "-")
    size = len(m.linkname.encode()) if m.issym() else meta.size
    mtime = meta.pax_headers.get("mtime", str(int(meta.mtime)))
    line = "%s %04o %d:%d %d %s %s" % (letter, meta.mode & 0o7777, meta.uid, meta.gid, size, iso(mtime), path)
    if m.issym():
        line += " -> " + m.linkname
    elif m.islnk():
        line += " link to " + norm(m.linkname)
    elif m.ischr() or m.isblk():
        line += " %d,%d" % (m.devmajor, m.devminor)
    print(line)
PY
echo "wrote $here/rootfs.tar ($(stat -c %s "$here/rootfs.tar") bytes) and rootfs.ls" >&2
