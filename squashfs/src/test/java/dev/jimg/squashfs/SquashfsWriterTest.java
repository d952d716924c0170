/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.squashfs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.Extent;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.testdata.LoopMount;
import dev.jimg.testdata.SeededContent;
import dev.jimg.testdata.Tool;
import dev.jimg.testdata.TreeManifest;
import dev.jimg.testdata.TreeManifestAssert;
import dev.jimg.testdata.Validators;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SquashfsWriterTest {
  @TempDir Path tmp;

  /** unsquashfs -s/-lln/-d accept the image; the kernel mounts it and shows the source tree. */
  static void judge(FileTree tree, Path image, Path tmp) throws IOException {
    Validators.unsquashfsSuperblock(image);
    List<String> listing = Validators.unsquashfsList(image);
    assertThat(listing).hasSizeGreaterThanOrEqualTo(tree.size());
    Path out = tmp.resolve("extract-" + image.getFileName());
    Validators.unsquashfsExtract(image, out);
    TreeManifestAssert.assertThat(TreeManifest.ofHostDirectory(out))
        .withMtimeSeconds()
        .ignoringAt(".", TreeManifest.Column.MTIME)
        .matches(tree);
    try (LoopMount m = LoopMount.of(image).type("squashfs").mount()) {
      TreeManifestAssert.assertThat(TreeManifest.ofHostDirectory(m.root()))
          .withMtimeSeconds()
          .matches(tree);
    }
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void write_everyTypeWithEachCompressor_unsquashfsAndKernelAgree(Compression c)
      throws IOException {
    Validators.require(Tool.UNSQUASHFS);
    FileTree tree = Trees.everyType();
    Path image = tmp.resolve(c.cliName() + ".sqfs");
    Trees.write(tree, SquashfsOptions.defaults().withCompression(c).withThreads(2), image);
    assertThat(Files.size(image) % 4096).isZero();
    judge(tree, image, tmp);
  }

  @Test
  void write_largeDirectory_headersAndIndexWork() throws IOException {
    Validators.require(Tool.UNSQUASHFS);
    FileTree tree = Trees.bigDirectory(1500);
    tree = Trees.withRootXattr(tree);
    Path image = tmp.resolve("big.sqfs");
    Trees.write(tree, SquashfsOptions.defaults(), image);
    judge(tree, image, tmp);
    try (LoopMount m = LoopMount.of(image).type("squashfs").mount()) {
      for (int i = 0; i < 1500; i += 97) {
        String name = String.format(java.util.Locale.ROOT, "file-with-a-rather-long-name-%05d", i);
        assertThat(Files.readString(m.root().resolve("big").resolve(name))).isEqualTo(name);
      }
    }
  }

  @Test
  void write_noFragmentsNoDedupExportable_unsquashfsAndKernelAgree() throws IOException {
    Validators.require(Tool.UNSQUASHFS);
    FileTree tree = Trees.everyType();
    Path image = tmp.resolve("plain.sqfs");
    Trees.write(
        tree, SquashfsOptions.defaults().withBlockSize(4096).with(false, false, true), image);
    assertThat(Validators.unsquashfsSuperblock(image)).contains("Block size 4096");
    judge(tree, image, tmp);
  }

  /**
   * Files that share their full blocks but not their tails share the blocks; a small file equal to
   * another file's tail shares its fragment; each file still reads back whole.
   */
  @Test
  void write_sharedBlocksAndTails_storedOnceAndReadBackWhole() throws IOException {
    Validators.require(Tool.UNSQUASHFS);
    byte[] body = SeededContent.dense(3 * 4096, 7, SeededContent.Fill.RANDOM).open().readAllBytes();
    byte[] tailA = SeededContent.dense(1000, 8, SeededContent.Fill.RANDOM).open().readAllBytes();
    byte[] tailB = SeededContent.dense(1500, 9, SeededContent.Fill.RANDOM).open().readAllBytes();
    FileTreeBuilder b = FileTree.empty().toBuilder();
    b.put(ImagePath.ROOT, Entry.directory(0755, Trees.T));
    b.put(ImagePath.of("a"), Trees.file(Content.ofBytes(concat(body, tailA)), 0644));
    b.put(ImagePath.of("b"), Trees.file(Content.ofBytes(concat(body, tailB)), 0644));
    b.put(ImagePath.of("c"), Trees.file(Content.ofBytes(tailA), 0644));
    b.put(ImagePath.of("d"), Trees.file(Content.ofBytes(concat(body, tailA)), 0644));
    b.put(ImagePath.of("e"), Trees.file(Content.ofBytes(body), 0644));
    FileTree tree = b.build();
    SquashfsOptions options = SquashfsOptions.defaults().withBlockSize(4096).withThreads(2);
    Path shared = tmp.resolve("shared.sqfs");
    Path plain = tmp.resolve("plain.sqfs");
    Trees.write(tree, options, shared);
    Trees.write(tree, options.with(true, false, false), plain);
    long sharedUsed = superblockBytesUsed(shared);
    long plainUsed = superblockBytesUsed(plain);
    // random bytes do not compress: the body and each distinct tail are stored once, plus the
    // superblock and a few hundred bytes of tables; without sharing, b, d and e store the body
    // again
    assertThat(sharedUsed).isLessThanOrEqualTo(body.length + tailA.length + tailB.length + 600L);
    assertThat(plainUsed - sharedUsed).isGreaterThanOrEqualTo(3L * body.length);
    judge(tree, shared, tmp);
  }

  /**
   * Fragment blocks are written between files by queue order: a long run of small files (more
   * fragment blocks than may wait, {@link DataWriter#MAX_PENDING_FRAGMENTS}) around large files, at
   * one and two threads, gives the same bytes, and unsquashfs and the kernel read every file back.
   */
  @Test
  void write_manySmallFilesAroundLargeOnes_sameBytesAtAnyThreadCount() throws IOException {
    Validators.require(Tool.UNSQUASHFS);
    FileTreeBuilder b = FileTree.empty().toBuilder();
    b.put(ImagePath.ROOT, Entry.directory(0755, Trees.T));
    int blockSize = 4096;
    int small = (DataWriter.MAX_PENDING_FRAGMENTS + 4) * blockSize / 1000;
    for (int i = 0; i < 3 * small; i++) {
      long size = i % small == small - 1 ? 5L * blockSize + 123 : 1000;
      b.put(
          ImagePath.of(String.format(java.util.Locale.ROOT, "f%05d", i)),
          Trees.file(SeededContent.dense(size, i, SeededContent.Fill.RANDOM), 0644));
    }
    FileTree tree = b.build();
    SquashfsOptions options = SquashfsOptions.defaults().withBlockSize(blockSize);
    Path one = tmp.resolve("one.sqfs");
    Trees.write(tree, options.withThreads(1), one);
    for (int threads : new int[] {2, 5}) {
      Path more = tmp.resolve("threads" + threads + ".sqfs");
      Trees.write(tree, options.withThreads(threads), more);
      assertThat(java.nio.file.Files.mismatch(one, more)).as("%d threads", threads).isEqualTo(-1L);
    }
    judge(tree, one, tmp);
  }

  /** The superblock's bytes_used: the image size before the padding to 4 KiB. */
  private static long superblockBytesUsed(Path image) throws IOException {
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(image)) {
      java.nio.ByteBuffer b =
          java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      ch.read(b, 40);
      return b.getLong(0);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void write_fileOver4GiBWithHoles_extendedInodeReadsBack() throws IOException {
    Validators.require(Tool.UNSQUASHFS);
    FileTreeBuilder b = FileTree.empty().toBuilder();
    b.put(
        ImagePath.ROOT,
        Entry.directory(0755, Trees.T).toBuilder().xattr("user.a", new byte[] {1}).build());
    long size = (5L << 30) + 3;
    b.put(
        ImagePath.of("huge"),
        Trees.file(
            SeededContent.sparse(
                size,
                9,
                SeededContent.Fill.RANDOM,
                List.of(new Extent(1L << 32, 1000), new Extent(size - 2, 2))),
            0644));
    FileTree tree = b.build();
    Path image = tmp.resolve("huge.sqfs");
    Trees.write(tree, SquashfsOptions.defaults(), image);
    assertThat(Files.size(image)).isLessThan(1 << 20);
    assertThat(String.join("\n", Validators.unsquashfsList(image))).contains(" " + size + " ");
    try (LoopMount m = LoopMount.of(image).type("squashfs").mount();
        java.nio.channels.FileChannel ch =
            java.nio.channels.FileChannel.open(m.root().resolve("huge"))) {
      assertThat(ch.size()).isEqualTo(size);
      byte[] expected = new byte[1000];
      try (java.io.InputStream in = tree.get(ImagePath.of("huge")).content().open()) {
        in.skipNBytes(1L << 32);
        in.readNBytes(expected, 0, 1000);
      }
      java.nio.ByteBuffer got = java.nio.ByteBuffer.allocate(1000);
      ch.read(got, 1L << 32);
      assertThat(got.array()).isEqualTo(expected);
      java.nio.ByteBuffer zeros = java.nio.ByteBuffer.allocate(4096);
      ch.read(zeros, 1L << 31);
      assertThat(zeros.array()).containsOnly(0);
    }
  }

  /** A real tree from the host (Python's standard library: ~1,500 entries, ~50 MB). */
  @Test
  void write_hostPythonStdlib_kernelShowsTheSameTree() throws IOException {
    Path src = Path.of("/usr/lib/python3.11");
    if (!Files.isDirectory(src)) {
      // the Debian package python3.11 is on every machine of this project's kind
      org.junit.jupiter.api.Assertions.assertFalse(Validators.strict(), "no " + src);
      org.junit.jupiter.api.Assumptions.assumeTrue(false, "no " + src);
    }
    Validators.require(Tool.UNSQUASHFS);
    try (dev.jimg.core.source.Source s =
        dev.jimg.core.source.DirectorySource.open(
            src, dev.jimg.core.source.SourceOptions.defaults())) {
      FileTree tree = Trees.withRootXattr(s.tree());
      Path image = tmp.resolve("py.sqfs");
      SquashfsOptions o =
          new SquashfsOptions(Compression.GZIP, 1, 1 << 20, 2, true, true, List.of(), false);
      Trees.write(tree, o, image);
      Validators.unsquashfsList(image);
      try (LoopMount m = LoopMount.of(image).type("squashfs").mount()) {
        TreeManifestAssert.assertThat(TreeManifest.ofHostDirectory(m.root()))
            .withMtimeSeconds()
            .matches(tree);
      }
    }
  }
}
