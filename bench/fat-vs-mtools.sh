#!/bin/bash
# jimg's FAT writer against mkfs.fat + mcopy -s on the same trees: wall time of each and the ratio
# (target <= 0.1x). Trees: a copy of /usr/share/doc (symlinks dropped, as mcopy cannot store them)
# and one directory of N small files with long names. Both sides build a FAT32 image of the same
# size; both images are checked with fsck.fat -n afterwards. jimg runs in-process from the built
# classes (one JVM start included in its time), mkfs.fat/mcopy with TZ=UTC.
#
# Usage: bench/fat-vs-mtools.sh [WORKDIR] [N]   (from anywhere; needs mvn, dosfstools, mtools)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
work=${1:-$(mktemp -d)}
n=${2:-3000}
size=${SIZE:-512M}
mkdir -p "$work"

mvn -q -B -pl fat -am package -DskipTests
mvn -q -B -pl fat dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null
cp="fat/target/classes:core/target/classes:$(cat "$work/cp.txt")"

rm -rf "$work/doc" "$work/wide"
mkdir -p "$work/doc" "$work/wide/many"
(cd /usr/share/doc && find . -type l -prune -o -print0 | cpio -0pdm --quiet "$work/doc")
python3 - "$work/wide/many" "$n" <<'PY'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    with open(os.path.join(d, "Document number %05d with a long name.text" % i), "w") as f:
        f.write("content of file %d\n" % i)
PY

cat >"$work/FatBench.java" <<'JAVA'
import dev.jimg.core.io.AtomicOutput;
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
    try (AtomicOutput out = AtomicOutput.create(Path.of(a[1]))) {
      w.write(tree, out.channel(), ProgressListener.NONE);
      out.commit();
    }
  }
}
JAVA

ms() { echo $(($(date +%s%N) / 1000000)); }
for t in doc wide; do
  src=$work/$t
  rm -f "$work/$t-jimg.img" "$work/$t-mtools.img"
  s=$(ms)
  java -cp "$cp" "$work/FatBench.java" "$src" "$work/$t-jimg.img" "$size"
  jimg=$(($(ms) - s))
  s=$(ms)
  mkfs.fat -F 32 -C "$work/$t-mtools.img" $(($(numfmt --from=iec "$size") / 1024)) >/dev/null
  (cd "$src" && TZ=UTC mcopy -s -m -i "$work/$t-mtools.img" ./* ::/)
  mtools=$(($(ms) - s))
  fsck.fat -n "$work/$t-jimg.img" >/dev/null
  fsck.fat -n "$work/$t-mtools.img" >/dev/null
  entries=$(find "$src" | wc -l)
  ratio=$(python3 -c "print(f'{$jimg / $mtools:.3f}')")
  printf '%-5s %6d entries %8s: jimg %7d ms, mkfs.fat+mcopy %8d ms, ratio %sx\n' \
    "$t" "$entries" "$(du -sh "$src" | cut -f1)" "$jimg" "$mtools" "$ratio"
done
