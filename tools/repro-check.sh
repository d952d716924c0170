#!/usr/bin/env bash
# Builds each image kind twice from the bundled example under different host settings (time zone,
# umask, locale, squashfs thread count, the tar given plain or xz-compressed on standard input,
# and another JDK when one is installed) and fails unless the bytes are identical. Run by .ci/run
# after the test suite.
# Usage: tools/repro-check.sh [WORKDIR]
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
work=${1:-$(mktemp -d)}
mkdir -p "$work"
example="$root/testdata/examples/rootfs.tar"
export SOURCE_DATE_EPOCH=1704067200
fail=0
# compare NAME A B SAME DIFFERENT: one verdict line; on a difference also the first differing bytes
# and which entries differ (jimg diff, where it can read the two images as trees), and a failed run
compare() {
  local name=$1 a=$2 b=$3
  if cmp -s "$a" "$b"; then
    printf '%-22s %s\n' "$name" "$4"
  else
    printf '%-22s %s\n' "$name" "$5"; cmp -l "$a" "$b" | head -5; fail=1
    "$root/jimg" diff "$a" "$b" 2>&1 | head -10 || true
  fi
}
check() { # name, args for jimg after the image path is known
  local name=$1; shift
  local a="$work/$name.a" b="$work/$name.b"
  local envp=(env); [ -n "${NOSDE:-}" ] && envp=(env -u SOURCE_DATE_EPOCH)
  (TZ=UTC LC_ALL=C.UTF-8 umask 022 && "${envp[@]}" "$root/jimg" "${@//IMAGE/$a}" >/dev/null)
  (TZ=Asia/Tokyo LC_ALL=C umask 077 && "${envp[@]}" "$root/jimg" "${@//IMAGE/$b}" >/dev/null)
  compare "$name" "$a" "$b" "identical  $(sha256sum < "$a" | cut -c1-16)" "DIFFERENT  first differences:"
}
check ext4 mkfs ext4 IMAGE "$example"
check ext3 mkfs ext3 IMAGE "$example"
check squashfs mkfs squashfs IMAGE "$example"
check fat mkfs fat --unsupported skip IMAGE "$example"
cat > "$work/disk.yaml" <<YAML
partitions:
  - {name: usr, type: linux-usr-x86-64, filesystem: squashfs, sources: [$example]}
  - {name: root, type: linux-root-x86-64, filesystem: ext4, sources: [$example]}
YAML
check disk-raw disk IMAGE --spec "$work/disk.yaml"
check disk-qcow2 disk IMAGE --spec "$work/disk.yaml" --format qcow2
# a directory source without SOURCE_DATE_EPOCH: host atimes move as the first build reads the files
mkdir -p "$work/example-dir"
tar --numeric-owner -xpf "$example" -C "$work/example-dir"
NOSDE=1 check ext4-dir mkfs ext4 IMAGE "$work/example-dir"
NOSDE=1 check squashfs-dir mkfs squashfs IMAGE "$work/example-dir"
# jimg build: the example plus fake boot files (kernel, initrd, a PE stub as systemd-boot), as a tar
# so that host atimes cannot differ between the two runs
bootdir="$work/bootfiles"
mkdir -p "$bootdir/boot" "$bootdir/usr/lib/systemd/boot/efi"
printf 'kernel' > "$bootdir/boot/vmlinuz-6.1.0-1-amd64"
printf 'initrd' > "$bootdir/boot/initrd.img-6.1.0-1-amd64"
{ printf 'MZ'; head -c 58 /dev/zero; printf '\x80\0\0\0'; head -c 64 /dev/zero; printf 'PE\0\0\x64\x86'; head -c 122 /dev/zero; } \
  > "$bootdir/usr/lib/systemd/boot/efi/systemd-bootx64.efi"
tar --sort=name --mtime=@1704067200 --owner=0 --group=0 --numeric-owner -cf "$work/bootfiles.tar" -C "$bootdir" .
cat > "$work/build.yaml" <<YAML
seed: repro
root: {sources: [$example, $work/bootfiles.tar], filesystem: ext4}
boot: {cmdline: console=ttyS0, esp-size: 40M}
hostname: repro
YAML
check build-ext4 build "$work/build.yaml" IMAGE
sed 's/filesystem: ext4/filesystem: squashfs/' "$work/build.yaml" > "$work/build-sq.yaml"
check build-squashfs build "$work/build-sq.yaml" IMAGE
# thread count and source form: build b differently by hand
"$root/jimg" mkfs squashfs --threads 1 "$work/sq-threads.a" "$example" -q
"$root/jimg" mkfs squashfs --threads 2 "$work/sq-threads.b" "$example" -q
if cmp -s "$work/sq-threads.a" "$work/sq-threads.b"; then echo "squashfs threads 1/2    identical"; else echo "squashfs threads 1/2    DIFFERENT"; fail=1; fi
# the same tar, compressed and piped: the input's form must not matter
xz -c "$example" > "$work/rootfs.tar.xz"
"$root/jimg" mkfs ext4 "$work/ext4-form.a" "$example" -q
"$root/jimg" mkfs ext4 "$work/ext4-form.b" - -q < "$work/rootfs.tar.xz"
if cmp -s "$work/ext4-form.a" "$work/ext4-form.b"; then echo "ext4 tar vs xz on stdin identical"; else echo "ext4 tar vs xz on stdin DIFFERENT"; cmp -l "$work/ext4-form.a" "$work/ext4-form.b" | head -5; fail=1; fi
# Another JVM (a second JDK on this machine, or JIMG_OTHER_JAVA_HOME): the same jar must write the
# same bytes. Debian's OpenJDK and Temurin differ in version and in the zlib they use.
jar="$root/cli/target/jimg.jar"
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
default_java=$(readlink -f "$(command -v "$java")")
other=
if [[ -n ${JIMG_OTHER_JAVA_HOME:-} ]]; then
  other=$JIMG_OTHER_JAVA_HOME/bin/java
else
  for candidate in /usr/lib/jvm/*/bin/java; do
    [[ -x $candidate && $(readlink -f "$candidate") != "$default_java" ]] || continue
    # a JDK 17 or newer only
    version=$("$candidate" -version 2>&1 | sed -n '1s/.*version "\([0-9]*\).*/\1/p')
    [[ -n $version && $version -ge 17 ]] && other=$candidate && break
  done
fi
if [[ -n $other ]]; then
  echo "other JVM: $("$other" -version 2>&1 | sed -n 2p)"
  jvm_check() { # name, jimg args with IMAGE
    local name=$1; shift
    local a="$work/jvm-$name.a" b="$work/jvm-$name.b"
    "$java" -jar "$jar" "${@//IMAGE/$a}" >/dev/null
    "$other" -jar "$jar" "${@//IMAGE/$b}" >/dev/null
    compare "$name" "$a" "$b" "identical on both JVMs" "DIFFERENT on the other JVM"
  }
  jvm_check ext4 mkfs ext4 IMAGE "$example"
  for c in gzip zstd xz lz4 none; do
    jvm_check "squashfs-$c" mkfs squashfs --compression "$c" IMAGE "$example"
  done
  jvm_check fat mkfs fat --unsupported skip IMAGE "$example"
  jvm_check disk-qcow2 disk IMAGE --spec "$work/disk.yaml" --format qcow2
else
  echo "other JVM: none found (set JIMG_OTHER_JAVA_HOME to check one)"
fi
exit $fail
