#!/usr/bin/env bash
# Times `jimg build` against the same bootable disk made the usual way with the peer tools, in one
# run: tar -x of the rootfs (the peers need a directory; jimg reads the tar), the boot files into the
# tree, mke2fs -d, mkfs.fat + mcopy for the ESP, sgdisk for the GPT, dd of both filesystems into the
# disk. Best wall time of RUNS runs each (JVM start included for jimg) and the ratio jimg/peers.
# usage: bench/build-vs-peers.sh ROOTFS.tar SYSTEMD-BOOT-EFI.deb [RUNS]
#   ROOTFS.tar: a Debian root with a kernel and initrd, e.g. from
#     INITRD_MODULES="squashfs vfat" ../shared/corpus/debian-rootfs.sh root.tar minbase linux-image-amd64 systemd-sysv udev
#   SYSTEMD-BOOT-EFI.deb: from apt-get download systemd-boot-efi
# Needs root (tar -x keeps owners), e2fsprogs, dosfstools, mtools, gdisk, dpkg.
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,10p' "$0"; exit 2; }
tarball=$(readlink -f "$1"); deb=$(readlink -f "$2"); runs=${3:-3}
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
work=$(mktemp -d /tmp/jimg-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1704067200

cat > "$work/spec.yaml" <<YAML
seed: bench
root: {sources: [$tarball], filesystem: ext4}
boot: {loader: $deb, cmdline: console=ttyS0, esp-size: 256M}
hostname: bench
YAML
"$root/jimg" --version >/dev/null   # build the jar outside the timing

jimg_build() {
  "$root/jimg" build -q "$work/spec.yaml" "$work/jimg.img"
}

peer_build() { # the same disk: ESP 256 MiB FAT32 + ext4 root, GPT, fstab by PARTUUID
  local d=$work/peer r=$work/peer/root e=$work/peer/esp
  rm -rf "$d"; mkdir -p "$r" "$e"
  tar --xattrs --xattrs-include='*' --numeric-owner -xpf "$tarball" -C "$r"
  dpkg-deb -x "$deb" "$d/sdboot"
  local kver; kver=$(cd "$r/boot" && ls vmlinuz-* | sed 's/^vmlinuz-//' | sort -V | tail -1)
  local esp_uuid=c0ffee00-0000-4000-8000-000000000001 root_uuid=c0ffee00-0000-4000-8000-000000000002
  printf 'PARTUUID=%s / ext4 defaults 0 1\nPARTUUID=%s /boot/efi vfat umask=0077 0 2\n' \
    "$root_uuid" "$esp_uuid" > "$r/etc/fstab"
  echo bench > "$r/etc/hostname"; : > "$r/etc/machine-id"; mkdir -p "$r/boot/efi"
  local kb; kb=$(du -sk "$r" | cut -f1)
  local root_mb=$(( kb * 12 / 10 / 1024 + 64 ))
  E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH mke2fs -q -F -t ext4 -U "$root_uuid" \
    -E root_owner=0:0,hash_seed=$root_uuid -d "$r" "$d/root.img" "${root_mb}M"
  mkfs.fat --invariant -F 32 -i 5A1E0E5B -C "$d/esp.img" $((256 * 1024)) >/dev/null
  mkdir -p "$e/EFI/BOOT" "$e/EFI/systemd" "$e/loader/entries" "$e/jimg"
  cp "$d/sdboot/usr/lib/systemd/boot/efi/systemd-bootx64.efi" "$e/EFI/BOOT/BOOTX64.EFI"
  cp "$d/sdboot/usr/lib/systemd/boot/efi/systemd-bootx64.efi" "$e/EFI/systemd/"
  cp "$r/boot/vmlinuz-$kver" "$r/boot/initrd.img-$kver" "$e/jimg/"
  printf 'timeout 0\ndefault jimg.conf\neditor no\n' > "$e/loader/loader.conf"
  printf 'title Debian\nlinux /jimg/vmlinuz-%s\ninitrd /jimg/initrd.img-%s\noptions root=PARTUUID=%s rootfstype=ext4 rw console=ttyS0\n' \
    "$kver" "$kver" "$root_uuid" > "$e/loader/entries/jimg.conf"
  mcopy -s -i "$d/esp.img" "$e"/* ::/
  local disk=$d/disk.img total_mb=$(( 1 + 256 + root_mb + 1 ))
  truncate -s "${total_mb}M" "$disk"
  sgdisk -o -U c0ffee00-0000-4000-8000-000000000000 \
    -n 1:2048:+256M -t 1:EF00 -c 1:esp -u 1:$esp_uuid \
    -n 2:0:+${root_mb}M -t 2:8304 -c 2:root -u 2:$root_uuid "$disk" >/dev/null
  dd if="$d/esp.img" of="$disk" bs=1M seek=1 conv=notrunc,sparse status=none
  dd if="$d/root.img" of="$disk" bs=1M seek=257 conv=notrunc,sparse status=none
}

best() { # command; prints the best wall seconds of $runs
  local i s e t b=
  for ((i = 0; i < runs; i++)); do
    sync
    s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N)
    t=$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.2f", e - s }')
    b=$(awk -v t="$t" -v b="$b" 'BEGIN { print (b == "" || t < b) ? t : b }')
  done
  echo "$b"
}

jt=$(best jimg_build)
pt=$(best peer_build)
sgdisk -v "$work/jimg.img" | grep -q 'No problems found' || echo "bench: sgdisk -v found problems in jimg's disk" >&2
printf 'input:   %s (%s entries), %s\n' "$tarball" "$(tar -tf "$tarball" | wc -l)" "$(basename "$deb")"
printf 'jimg:    %6.2f s  (jimg build, %s bytes)\n' "$jt" "$(stat -c %s "$work/jimg.img")"
printf 'peers:   %6.2f s  (tar -x, mke2fs -d, mkfs.fat, mcopy, sgdisk, dd)\n' "$pt"
awk -v a="$jt" -v b="$pt" 'BEGIN { printf "ratio:   %.2f (jimg / peers wall time, best of %d)\n", a / b, '"$runs"' }'
