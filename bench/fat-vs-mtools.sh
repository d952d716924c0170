#!/bin/bash
# jimg's FAT writer against mkfs.fat + mcopy -s on the same trees: wall time of each and the ratio
# (target <= 0.1x). Trees: a copy of /usr/share/doc (symlinks and case-only name clashes dropped,
# which FAT cannot store)
# and one directory of N small files with long names. Both sides build a FAT32 image of the same
# size; both images are checked with fsck.fat -n afterwards. jimg runs in-process from the built
# classes (one JVM start included in its time), mkfs.fat/mcopy with TZ=UTC.
#
# mcopy slows down quadratically in one directory: on the shared 2-CPU build host (load ~11) it had
# written 1,948 of 3,000 entries after ~23 minutes; jimg wrote all 3,000 in 7.7 s wall (1.9 s CPU,
# JVM start included). Use a smaller N (e.g. 1000) or wrap the script in `timeout` for a quick run.
#
# Usage: bench/fat-vs-mtools.sh [WORKDIR] [N]   (from anywhere; needs mvn, dosfstools, mtools)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
work=${1:-$(mktemp -d)}
n=${2:-3000}
size=${SIZE:-512M}
mkdir -p "$work"

mvn -q -B -pl fat -am package -DskipTests
mvn -q -B -pl core dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$work/cp.txt" >/dev/null
cp="fat/target/classes:core/target/classes:$(cat "$work/cp.txt")"

rm -rf "$work/doc" "$work/wide"
mkdir -p "$work/doc" "$work/wide/many"
cp -a /usr/share/doc/. "$work/doc/"
find "$work/doc" -type l -delete
# FAT names are case-insensitive: drop the later of two names that differ only in case
python3 - "$work/doc" <<'PY'
import os, shutil, sys
for d, dirs, files in os.walk(sys.argv[1]):
    seen = set()
    for n in sorted(dirs + files):
        if n.upper() in seen:
            p = os.path.join(d, n)
            shutil.rmtree(p) if os.path.isdir(p) else os.remove(p)
            if n in dirs:
                dirs.remove(n)
        seen.add(n.upper())
PY
python3 - "$work/wide/many" "$n" <<'PY'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    with open(os.path.join(d, "Document number %05d with a long name.text" % i), "w") as f:
        f.write("content of file %d\n" % i)
PY

cat >"$work/FatBench.java" <<'JAVA'
import dev.jimg.core.io.FileImageChannel;
import dev.jimg.core.progress.ProgressListener;
import dev.jimg.core.repro.BuildClock;
import dev.jimg.core.repro.Identities;
import dev.jimg.core.source.DirectorySource;
import dev.jimg.core.source.SourceOptions;
import dev.jimg.core.spi.WriteContext;
import dev.jimg.core.tree.FileTree;
import dev.jimg.fat.FatProvider;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

public class FatBench {
  public static void main(String[] a) throws Exception {
    FileTree tree = DirectorySource.open(Path.of(a[0]), SourceOptions.defaults()).tree();
    WriteContext ctx =
        new WriteContext(
            BuildClock.from(Optional.empty(), Map.of(), tree),
            Identities.fromSeed(Identities.seedFor(tree, "fat")));
    var w = new FatProvider().newWriter(Map.of("size", a[2], "fat", "32"), ctx);
    // a plain file channel: no fsync at the end, like mcopy (AtomicOutput would sync)
    try (FileImageChannel out = FileImageChannel.create(Path.of(a[1]))) {
      w.write(tree, out, ProgressListener.NONE);
    }
  }
}
JAVA

mkdir -p "$work/classes"
javac -d "$work/classes" -cp "$cp" "$work/FatBench.java"
# wall and CPU (user + system) milliseconds of a command, as "WALL CPU"
measure() {
  local s e t
  s=$(date +%s%N)
  t=$( { /usr/bin/env time -f '%U %S' "$@" >/dev/null; } 2>&1 | tail -1)
  e=$(date +%s%N)
  echo "$(((e - s) / 1000000)) $(python3 -c "u, s = '$t'.split(); print(round((float(u) + float(s)) * 1000))")"
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
for t in doc wide; do
  src=$work/$t
  rm -f "$work/$t-jimg.img" "$work/$t-mtools.img"
  read -r jw jc < <(measure java -cp "$work/classes:$cp" FatBench "$src" "$work/$t-jimg.img" "$size")
  cat >"$work/mtools.sh" <<SH
mkfs.fat -F 32 -C "$work/$t-mtools.img" $(($(numfmt --from=iec "$size") / 1024)) >/dev/null
cd "$src" && TZ=UTC mcopy -s -m -i "$work/$t-mtools.img" ./* ::/
SH
  read -r mw mc < <(measure bash "$work/mtools.sh")
  fsck.fat -n "$work/$t-jimg.img" >/dev/null
  fsck.fat -n "$work/$t-mtools.img" >/dev/null
  entries=$(find "$src" | wc -l)
  printf '%-5s %6d entries %6s: jimg wall %6d ms cpu %6d ms | mkfs.fat+mcopy wall %7d ms cpu %7d ms | ratio wall %s cpu %s\n' \
    "$t" "$entries" "$(du -sh "$src" | cut -f1)" "$jw" "$jc" "$mw" "$mc" \
    "$(python3 -c "print(f'{$jw / $mw:.3f}x')")" "$(python3 -c "print(f'{$jc / $mc:.3f}x')")"
done
