/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.fat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.jimg.core.CorruptInputException;
import dev.jimg.core.JimgException;
import dev.jimg.core.io.ChannelBoundsException;
import dev.jimg.core.io.ImageChannel;
import dev.jimg.core.io.MemoryImageChannel;
import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import dev.jimg.testdata.FuzzFailures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damages valid FAT12, FAT16 and FAT32 images and checks that reading each, file contents included,
 * ends quickly with a tree or a {@link JimgException}: never another exception, an error or a hang.
 * The damage: every byte of the first two sectors (boot sector, FSInfo) and of the start of the
 * first FAT and of each directory, and every {@value #STRIDE}th byte of the rest of the metadata,
 * flipped with 0x01, 0x80 and 0xFF (all-zero 512-byte blocks and file data left alone); cuts at
 * several lengths; and a few crafted images no single flip makes.
 */
class FatReaderFuzzTest {
  private static final int[] MASKS = {0x01, 0x80, 0xFF};

  /** Odd against the 32-byte entries and 1.5-byte FAT12 entries, so every field is hit. */
  private static final int STRIDE = 7;

  /** Bytes of the first FAT, and of each directory, damaged one by one before the stride. */
  private static final int FAT_DENSE = 512;

  private static final int DIRECTORY_DENSE = 256;

  /** The stride over the FAT copies after the first (readers use the first). */
  private static final int COPY_STRIDE = 61;

  /** Bytes read from one file at most. */
  private static final int CONTENT_CAP = 4 << 20;

  private static final Timestamp T = Timestamp.ofSeconds(1_600_000_001L);

  @TempDir Path tmp;

  @Test
  void read_damagedFat12Floppy_treeOrTypedError() throws Exception {
    fuzz(FatWriterTest.sample(), Map.of("size", "1440K"), FatType.FAT12);
  }

  @Test
  void read_damagedFat16_treeOrTypedError() throws Exception {
    fuzz(FatWriterTest.sample(), Map.of("fat", "16", "cluster-size", "512"), FatType.FAT16);
  }

  @Test
  void read_damagedFat16With4096ByteSectors_treeOrTypedError() throws Exception {
    fuzz(FatWriterTest.sample(), Map.of("fat", "16", "sector-size", "4096"), FatType.FAT16);
  }

  @Test
  void read_damagedFat32_treeOrTypedError() throws Exception {
    fuzz(FatWriterTest.sample(), Map.of("fat", "32", "cluster-size", "512"), FatType.FAT32);
  }

  @Test
  void read_damagedLongNamesDeepAndWideDirectories_treeOrTypedError() throws Exception {
    fuzz(names(), Map.of("cluster-size", "1024"), FatType.FAT12);
  }

  @Test
  void read_damagedFat32LongNamesDeepAndWideDirectories_treeOrTypedError() throws Exception {
    fuzz(names(), Map.of("fat", "32", "cluster-size", "512"), FatType.FAT32);
  }

  @Test
  void read_longNameSlotWithOrdinalZero_corruptInput() throws Exception {
    Path img = tmp.resolve("ord0.img");
    FatTestSupport.write(
        new FileTreeBuilder().put(ImagePath.of("a long file name.txt"), file("x")).build(),
        Map.of(),
        img);
    ByteBuffer bb = ByteBuffer.wrap(Files.readAllBytes(img)).order(ByteOrder.LITTLE_ENDIAN);
    BootSector b = FatWriterTest.boot(img);
    int root = (int) (b.rootDirStart() * b.bytesPerSector());
    // slots 0x42 and 0x01, then the short entry: make that a third slot of ordinal 0
    int shortEntry = root + 2 * DirectoryEntry.SIZE;
    assertThat(bb.get(shortEntry - DirectoryEntry.SIZE)).isEqualTo((byte) 0x01);
    bb.put(shortEntry, (byte) 0x80);
    bb.put(shortEntry + DirectoryEntry.DIR_ATTR, (byte) DirectoryEntry.ATTR_LONG_NAME);
    bb.put(
        shortEntry + LongNameEntry.LDIR_CHKSUM,
        bb.get(shortEntry - DirectoryEntry.SIZE + LongNameEntry.LDIR_CHKSUM));
    assertCorrupt(bb.array(), "ordinal 0");
  }

  @Test
  void read_longNameOf260CodeUnits_corruptInput() throws Exception {
    Path img = tmp.resolve("long.img");
    FatTestSupport.write(
        new FileTreeBuilder().put(ImagePath.of("n".repeat(255)), file("x")).build(), Map.of(), img);
    ByteBuffer bb = ByteBuffer.wrap(Files.readAllBytes(img)).order(ByteOrder.LITTLE_ENDIAN);
    BootSector b = FatWriterTest.boot(img);
    int root = (int) (b.rootDirStart() * b.bytesPerSector());
    // slot 20 holds units 248..255 of the name, then the NUL and padding: fill those too
    assertThat(bb.get(root)).isEqualTo((byte) (LongNameEntry.LAST_LONG_ENTRY | 20));
    for (int i = 8; i < LongNameEntry.CHARS_PER_SLOT; i++) {
      bb.putChar(root + LongNameEntry.CHAR_OFFSETS[i], 'n');
    }
    assertCorrupt(bb.array(), "long name of 260 UTF-16 code units");
  }

  @Test
  void read_directories10000Deep_readsWithoutOverflowingTheStack() throws Exception {
    int depth = 10_000;
    byte[] img = nested(depth, -1);
    FileTree t =
        assertTimeoutPreemptively(
            Duration.ofSeconds(20), () -> new FatReader().read(new MemoryImageChannel(img)));
    assertThat(t.size()).isEqualTo(depth + 1);
  }

  @Test
  void read_directoryThatContainsItsParent_corruptInput() throws Exception {
    assertCorrupt(nested(50, 2), "used twice");
  }

  @Test
  void read_directoryChainOver2MiB_corruptInput() throws Exception {
    byte[] img = nested(1, -1);
    ByteBuffer bb = ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN);
    BootSector b = BootSector.read(bb, "x");
    int fat = (int) (b.fatStart() * b.bytesPerSector());
    for (int c = 2; c < 2 + 5000; c++) {
      bb.putShort(fat + 2 * c, (short) (c + 1));
    }
    bb.putShort(fat + 2 * (2 + 5000), (short) 0xFFFF);
    assertCorrupt(img, "2 MiB");
  }

  @Test
  void read_fat32ClusterCountAboveItsMaximum_corruptInput() throws Exception {
    Path img = tmp.resolve("f32.img");
    FatTestSupport.write(FatWriterTest.sample(), Map.of("fat", "32", "cluster-size", "512"), img);
    ByteBuffer bb = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
    bb.put(Files.readAllBytes(img), 0, 512);
    // 273,678,336 sectors, one per cluster: 269,402,080 clusters, more than 0x0FFFFFF5, and a FAT
    // long enough for them
    bb.putInt(BootSector.BPB_TOT_SEC32, 273_678_336);
    bb.putInt(BootSector.BPB_FAT_SZ32, 2_138_112);
    assertThatThrownBy(() -> BootSector.read(bb, "x"))
        .isInstanceOf(CorruptInputException.class)
        .hasMessageContaining("FAT32 numbers at most 268435445");
  }

  /**
   * A FAT16 volume of 512-byte clusters whose root holds directory {@code D}, which holds {@code
   * D}, {@code depth} levels down, one cluster each from cluster 2; the deepest one's entry points
   * at {@code loopTo} instead if that is positive.
   */
  private byte[] nested(int depth, int loopTo) throws Exception {
    Path img = tmp.resolve("nested.img");
    FatTestSupport.write(
        new FileTreeBuilder().build(),
        Map.of("fat", "16", "cluster-size", "512", "size", "8M"),
        img);
    ByteBuffer bb = ByteBuffer.wrap(Files.readAllBytes(img)).order(ByteOrder.LITTLE_ENDIAN);
    BootSector b = BootSector.read(bb, "x");
    assertThat(b.clusterCount()).isGreaterThan(depth + 1);
    int fat = (int) (b.fatStart() * b.bytesPerSector());
    directoryEntry(bb, b.rootDirStart() * b.bytesPerSector(), 2);
    for (int level = 1; level <= depth; level++) {
      int cluster = level + 1;
      bb.putShort(fat + 2 * cluster, (short) 0xFFFF);
      if (level < depth) {
        directoryEntry(bb, b.clusterOffset(cluster), cluster + 1);
      } else if (loopTo > 0) {
        directoryEntry(bb, b.clusterOffset(cluster), loopTo);
      }
    }
    return bb.array();
  }

  /** Writes a short entry for directory {@code D} at {@code at}. */
  private static void directoryEntry(ByteBuffer bb, long at, long cluster) {
    FatTimestamp t = FatTimestamp.of(T);
    new DirectoryEntry(
            "D          ".getBytes(StandardCharsets.US_ASCII),
            DirectoryEntry.ATTR_DIRECTORY,
            0,
            t,
            t.date(),
            t,
            cluster,
            0)
        .write(bb, (int) at);
  }

  /** Reading {@code img} gives a {@link CorruptInputException} that says {@code problem}. */
  private static void assertCorrupt(byte[] img, String problem) {
    Outcomes o =
        Outcomes.of(List.of(new Damage("crafted", new FlipChannel(img, img.length, -1, 0))));
    assertThat(o.failures).isEmpty();
    assertThatThrownBy(() -> new FatReader().read(new MemoryImageChannel(img)))
        .isInstanceOf(CorruptInputException.class)
        .hasMessageContaining(problem);
  }

  /**
   * Long names (with non-ASCII and a surrogate pair), a directory 8 levels deep and one of 60
   * long-named files that spans several clusters.
   */
  private static FileTree names() throws Exception {
    FileTreeBuilder b = new FileTreeBuilder();
    StringBuilder deep = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      deep.append(i == 0 ? "" : "/").append("level ").append(i).append(" of a deep tree");
      b.put(ImagePath.of(deep.toString()), Entry.directory(0755, T));
    }
    b.put(ImagePath.of(deep + "/bottom.txt"), file("bottom"));
    for (int i = 0; i < 60; i++) {
      b.put(ImagePath.of("wide/a rather long file name number " + i + ".txt"), file("w" + i));
    }
    b.put(ImagePath.of("wide/Grüße aus Köln \uD83D\uDE00.txt"), file("g"));
    b.put(ImagePath.of("UPPER.TXT"), file("u"));
    return b.build();
  }

  private static Entry file(String text) {
    return Entry.file(0644, T, Content.ofBytes(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** Writes the tree, damages the image every way above, and checks each read. */
  private void fuzz(FileTree tree, Map<String, String> options, FatType type) throws Exception {
    Path img = tmp.resolve("base.img");
    FatTestSupport.write(tree, options, img);
    byte[] good = Files.readAllBytes(img);
    BootSector b = FatWriterTest.boot(img);
    assertThat(b.type()).isEqualTo(type);

    assertThat(new FatReader().read(new FlipChannel(good, good.length, -1, 0)).size())
        .as("entries of the undamaged image")
        .isEqualTo(tree.size());

    List<Damage> damages = new ArrayList<>();
    for (Region r : regions(good, b)) {
      long inRegion = 0;
      for (long[] piece : r.pieces()) {
        for (long p = piece[0]; p < piece[0] + piece[1]; p++, inRegion++) {
          boolean sampled = inRegion < r.dense() || inRegion % r.stride() == 0;
          if (sampled && !blockIsZero(good, p)) {
            for (int mask : MASKS) {
              damages.add(
                  new Damage(
                      r.name() + " byte " + p + " ^ 0x" + Integer.toHexString(mask),
                      new FlipChannel(good, good.length, p, mask)));
            }
          }
        }
      }
    }
    long data = b.dataStart() * b.bytesPerSector();
    for (long cut :
        new long[] {
          0,
          1,
          511,
          512,
          b.fatStart() * b.bytesPerSector() + 3,
          b.rootDirStart() * b.bytesPerSector(),
          data,
          data + b.clusterBytes() + 5,
          good.length / 2,
          good.length - 1
        }) {
      damages.add(new Damage("cut at " + cut, new FlipChannel(good, (int) cut, -1, 0)));
    }
    // once through the channel the other readers' tests use
    byte[] copy = good.clone();
    copy[BootSector.BPB_SEC_PER_CLUS] ^= (byte) 0xFF;
    damages.add(new Damage("BPB_SecPerClus ^ 0xff", new MemoryImageChannel(copy)));

    Outcomes o = Outcomes.of(damages);
    assertThat(o.failures).as("%d damaged %s images", damages.size(), type).isEmpty();
    assertThat(o.trees).as("damaged images that still read").isGreaterThan(1);
    assertThat(o.typed).as("damaged images refused with a JimgException").isPositive();
  }

  /**
   * A named part of the metadata in pieces (offset, length), damaged byte by byte for its first
   * {@code dense} bytes and every {@code stride}th byte after.
   */
  private record Region(String name, List<long[]> pieces, int dense, int stride) {}

  /**
   * The metadata: reserved sectors (boot sector, FSInfo, backup), each FAT, the FAT12/16 root
   * directory, and each directory's clusters, found by walking the undamaged tree.
   */
  private static List<Region> regions(byte[] img, BootSector b) {
    int bps = b.bytesPerSector();
    List<Region> out = new ArrayList<>();
    out.add(
        new Region(
            "reserved",
            List.of(new long[] {0, (long) b.reservedSectors() * bps}),
            2 * bps,
            STRIDE));
    for (int i = 0; i < b.numFats(); i++) {
      out.add(
          new Region(
              "FAT " + (i + 1),
              List.of(new long[] {(b.fatStart() + i * b.fatSectors()) * bps, b.fatSectors() * bps}),
              i == 0 ? FAT_DENSE : 0,
              i == 0 ? STRIDE : COPY_STRIDE));
    }
    List<Long> dirs = new ArrayList<>();
    if (b.type() == FatType.FAT32) {
      dirs.add(
          ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN).getInt(BootSector.BPB_ROOT_CLUS)
              & 0xFFFF_FFFFL);
    } else {
      long root = b.rootDirStart() * bps;
      out.add(
          new Region(
              "root directory",
              List.of(new long[] {root, b.rootDirSectors() * bps}),
              DIRECTORY_DENSE,
              STRIDE));
      addSubdirectories(img, root, b.rootDirSectors() * bps, dirs);
    }
    for (int i = 0; i < dirs.size(); i++) {
      List<long[]> clusters = new ArrayList<>();
      for (long c = dirs.get(i); c < b.type().endOfChainMin(); c = next(img, b, c)) {
        clusters.add(new long[] {b.clusterOffset(c), b.clusterBytes()});
        addSubdirectories(img, b.clusterOffset(c), b.clusterBytes(), dirs);
      }
      out.add(new Region("directory cluster " + dirs.get(i), clusters, DIRECTORY_DENSE, STRIDE));
    }
    return out;
  }

  /** Adds the first clusters of the subdirectories listed in {@code img[off, off + len)}. */
  private static void addSubdirectories(byte[] img, long off, long len, List<Long> dirs) {
    ByteBuffer bb = ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN);
    for (int e = (int) off; e < off + len; e += DirectoryEntry.SIZE) {
      int first = img[e] & 0xFF;
      int attr = img[e + DirectoryEntry.DIR_ATTR] & 0xFF;
      if (first == 0) {
        return;
      }
      if (first != 0xE5
          && first != '.'
          && attr != DirectoryEntry.ATTR_LONG_NAME
          && (attr & DirectoryEntry.ATTR_DIRECTORY) != 0) {
        dirs.add(DirectoryEntry.read(bb, e).firstCluster());
      }
    }
  }

  /** The FAT entry of cluster {@code c} in the first FAT. */
  private static long next(byte[] img, BootSector b, long c) {
    ByteBuffer bb = ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN);
    int fat = (int) (b.fatStart() * b.bytesPerSector());
    return switch (b.type()) {
      case FAT12 -> {
        int v = bb.getShort(fat + (int) (c * 3 / 2)) & 0xFFFF;
        yield (c & 1) == 0 ? v & 0xFFF : v >>> 4;
      }
      case FAT16 -> bb.getShort(fat + (int) c * 2) & 0xFFFF;
      case FAT32 -> bb.getInt(fat + (int) c * 4) & 0x0FFF_FFFF;
    };
  }

  /** Whether the 512-byte block holding byte {@code p} is all zero. */
  private static boolean blockIsZero(byte[] b, long p) {
    int from = (int) (p & ~511L);
    for (int i = from; i < from + 512; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** One damaged image. */
  private record Damage(String what, ImageChannel image) {}

  /** Counts of each outcome, and a line for each read that broke the rule. */
  private static final class Outcomes {
    private static final int BATCH = 1000;

    int trees;
    int typed;
    final List<String> failures = new ArrayList<>();
    private volatile String current = "";

    /**
     * Probes and reads each image, then every regular file's first {@link #CONTENT_CAP} bytes, in
     * batches of {@value #BATCH} that must each end within 20 seconds (a few hundred milliseconds
     * is usual). A thread per read would cost more than the read on a busy two-core machine.
     */
    static Outcomes of(List<Damage> damages) {
      Outcomes o = new Outcomes();
      for (int from = 0; from < damages.size(); from += BATCH) {
        List<Damage> batch = damages.subList(from, Math.min(damages.size(), from + BATCH));
        assertTimeoutPreemptively(
            Duration.ofSeconds(20),
            () -> batch.forEach(o::check),
            () -> "still reading " + o.current + " after 20 s");
      }
      return o;
    }

    private void check(Damage d) {
      current = d.what();
      try {
        new FatReader().probe(d.image());
        readContents(new FatReader().read(d.image()));
        trees++;
      } catch (JimgException expected) {
        typed++;
        if (!expected.getMessage().startsWith(d.image().toString())) {
          failures.add(d.what() + ": the message does not name the image: " + expected);
        }
        if (expected instanceof CorruptInputException c && c.offset() < 0) {
          failures.add(d.what() + ": no byte offset in " + expected);
        }
      } catch (Throwable t) {
        failures.add(d.what() + ": untyped " + FuzzFailures.describe(t));
      }
    }

    private static void readContents(FileTree tree) throws IOException {
      byte[] buf = new byte[64 * 1024];
      for (Map.Entry<ImagePath, Entry> e : tree) {
        if (e.getValue().type() != EntryType.REGULAR) {
          continue;
        }
        try (InputStream in = e.getValue().content().open()) {
          int total = 0;
          int n;
          while (total < CONTENT_CAP && (n = in.read(buf, 0, buf.length)) > 0) {
            total += n;
          }
        }
      }
    }
  }

  /**
   * A read-only image over a shared array, cut to {@code length} bytes, with the byte at {@code
   * flip} xor-ed with {@code mask}: one damaged image without copying the base (a FAT32 volume is
   * 33 MiB, read thousands of times).
   */
  private record FlipChannel(byte[] base, int length, long flip, int mask) implements ImageChannel {
    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      if (position < 0) {
        throw new ChannelBoundsException("flip image: negative read offset " + position);
      }
      if (position >= length) {
        return -1;
      }
      int n = (int) Math.min(dst.remaining(), length - position);
      int at = dst.position();
      dst.put(base, (int) position, n);
      if (flip >= position && flip < position + n) {
        dst.put(at + (int) (flip - position), (byte) (base[(int) flip] ^ mask));
      }
      return n;
    }

    @Override
    public void write(ByteBuffer src, long position) throws IOException {
      throw new ChannelBoundsException("flip image: read-only");
    }

    @Override
    public long size() {
      return length;
    }

    @Override
    public void setSize(long newSize) throws IOException {
      throw new ChannelBoundsException("flip image: read-only");
    }

    @Override
    public ImageChannel slice(String name, long offset, long length) throws ChannelBoundsException {
      throw new ChannelBoundsException("flip image: no slices");
    }

    @Override
    public void force() {}

    @Override
    public void close() {}

    @Override
    public String toString() {
      return "fuzzed image";
    }
  }
}
