#!/bin/bash
# Memory of TarSource on a ~2 GB tar: the tree must grow with entries, not with bytes of content.
# Builds a tar of 4 large files (500 MiB each, sparse on disk, written dense into the tar but the
# tar itself kept sparse) and SMALL small files, then reads it with -Xmx64m twice: as a file
# (contents stay in place, positional reads) and from standard input (contents spooled). Prints
# heap after the read (after GC), the heap pools' peak, entries, and a check-read of the contents.
#
# Usage: bench/tar-memory.sh [WORKDIR] [SMALL]   (from the repository root; needs GNU tar, mvn)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-$(mktemp -d)}
small=${2:-50000}
heap=${HEAP:-64m}
mkdir -p "$work"
tree=$work/tree
tarfile=$work/big.tar

if [ ! -f "$tarfile" ]; then
  rm -rf "$tree"
  mkdir -p "$tree/large" "$tree/small"
  for i in 1 2 3 4; do
    truncate -s 500M "$tree/large/file$i"
    printf 'large %d head' "$i" | dd of="$tree/large/file$i" conv=notrunc status=none
    printf 'large %d tail' "$i" | dd of="$tree/large/file$i" bs=1 seek=$((500 * 1048576 - 12)) \
      conv=notrunc status=none
  done
  python3 - "$tree/small" "$small" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = os.path.join(root, "d%03d" % (i % 500))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%06d" % i), "w") as f:
        f.write("small file %d\n" % i * 8)
PY
  tar --format=posix --sort=name -C "$tree" -cf - . | dd of="$tarfile" bs=1M iflag=fullblock \
    conv=sparse status=none
  rm -rf "$tree"
fi
echo "tar: $(stat -c %s "$tarfile") bytes ($(du -k "$tarfile" | cut -f1) KiB on disk)"

mvn -q -B -pl core -am package -DskipTests
mvn -q -B -pl core dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null
cp="core/target/classes:$(cat "$work/cp.txt")"

cat >"$work/TarMemory.java" <<'JAVA'
import dev.jimg.core.source.SourceOptions;
import dev.jimg.core.source.TarSource;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;

public class TarMemory {
  public static void main(String[] args) throws Exception {
    long t0 = System.nanoTime();
    boolean stdin = args[0].equals("-");
    SourceOptions options = SourceOptions.defaults().withSpoolDirectory(Path.of(args[1]));
    try (TarSource s =
        stdin ? TarSource.read(System.in, "stdin", options) : TarSource.open(Path.of(args[0]), options)) {
      long t1 = System.nanoTime();
      FileTree tree = s.tree();
      System.gc();
      Runtime rt = Runtime.getRuntime();
      long used = rt.totalMemory() - rt.freeMemory();
      long peak = 0;
      for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
        if (p.getType() == MemoryType.HEAP) {
          peak += p.getPeakUsage().getUsed();
        }
      }
      long files = 0, bytes = 0;
      byte[] buf = new byte[1 << 16];
      long check = 0;
      for (var e : tree) {
        if (e.getValue().type() == EntryType.REGULAR) {
          files++;
          bytes += e.getValue().size();
          if (e.getValue().size() < 4096 || e.getKey().toString().startsWith("large/")) {
            try (InputStream in = e.getValue().content().open()) {
              for (int n; (n = in.read(buf)) > 0; ) {
                for (int i = 0; i < n; i++) check += buf[i];
              }
            }
          }
        }
      }
      long t2 = System.nanoTime();
      System.out.printf(
          "%s: %d entries (%d files, %d content bytes) read in %.1f s; heap after GC %.1f MiB,"
              + " sum of heap pools' peaks %.1f MiB (an upper bound) (max heap %.0f MiB); all contents re-read in %.1f s"
              + " (checksum %d)%n",
          stdin ? "stdin (spooled)" : "file (positional)",
          tree.size(), files, bytes, (t1 - t0) / 1e9, used / 1048576.0, peak / 1048576.0,
          rt.maxMemory() / 1048576.0, (t2 - t1) / 1e9, check);
    }
  }
}
JAVA

java -Xmx"$heap" -cp "$cp" "$work/TarMemory.java" "$tarfile" "$work"
java -Xmx"$heap" -cp "$cp" "$work/TarMemory.java" - "$work" <"$tarfile"
ls "$work"/jimg-tar-*.spool 2>/dev/null && echo "spool file left behind!" && exit 1
echo "no spool file left behind"
