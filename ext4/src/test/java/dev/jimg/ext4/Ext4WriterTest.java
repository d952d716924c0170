/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.ext4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jimg.core.CorruptInputException;
import dev.jimg.core.ImageTooSmallException;
import dev.jimg.core.InvalidOptionException;
import dev.jimg.core.UnsupportedEntryException;
import dev.jimg.core.io.FileImageChannel;
import dev.jimg.core.progress.ProgressListener;
import dev.jimg.core.repro.BuildClock;
import dev.jimg.core.repro.Identities;
import dev.jimg.core.spi.FilesystemWriter;
import dev.jimg.core.spi.Filesystems;
import dev.jimg.core.spi.WriteContext;
import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.Extent;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import dev.jimg.testdata.LoopMount;
import dev.jimg.testdata.SeededContent;
import dev.jimg.testdata.Validators;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Ext4WriterTest {
  @TempDir Path tmp;

  @Test
  void write_everyEntryType_e2fsckCleanAndKernelSeesTree() throws Exception {
    FileTree tree = ExtImages.everything();
    Path image = ExtImages.write("ext4", Map.of(), tree, tmp.resolve("a.img"));
    ExtImages.assertCleanAndMountsAs(image, tree, true);
  }

  /**
   * Host files that shrink after the tree was read: a small one (copied with its neighbours in one
   * batch) and a large one (copied on its own) each fail the write, naming the file's path in the
   * image and how much of it there was.
   */
  @Test
  void write_hostFileShrankAfterReading_failsNamingTheFile() throws Exception {
    for (int shrink : new int[] {1, 3}) {
      Path dir = Files.createDirectories(tmp.resolve("host" + shrink));
      int[] sizes = {2_000, 3_000, 100, 300_000};
      FileTreeBuilder b = new FileTreeBuilder();
      Path shrunk = null;
      for (int i = 0; i < sizes.length; i++) {
        Path f = dir.resolve("f" + i);
        Files.write(f, new byte[sizes[i]]);
        b.put(
            ImagePath.of("f" + i),
            ExtImages.file(0644, ExtImages.t(1, 0), Content.ofFile(f, sizes[i])).build());
        if (i == shrink) {
          shrunk = f;
        }
      }
      FileTree tree = b.build();
      Files.write(shrunk, new byte[1_000]);
      assertThatThrownBy(
              () -> ExtImages.write("ext4", Map.of(), tree, tmp.resolve("s" + shrink + ".img")))
          .isInstanceOf(CorruptInputException.class)
          .hasMessageStartingWith("f" + shrink + " at byte 1000: ")
          .hasMessageContaining("content ended after 1000 of " + sizes[shrink] + " bytes");
    }
  }

  @Test
  void write_noJournalSmallBlocks_e2fsckCleanAndKernelSeesTree() throws Exception {
    FileTree tree = ExtImages.everything();
    Path image =
        ExtImages.write(
            "ext4", Map.of("no-journal", "true", "block-size", "1024"), tree, tmp.resolve("a.img"));
    ExtImages.assertCleanAndMountsAs(image, tree, true);
    assertThat(Validators.dumpe2fsHeader(image).get("Filesystem features"))
        .doesNotContain("has_journal");
  }

  @Test
  void write_fileAcrossBackupSuperblocks_splitsExtentsAndStaysClean() throws Exception {
    FileTreeBuilder b = new FileTreeBuilder();
    b.put(
        ImagePath.of("data"),
        ExtImages.file(
                0644,
                ExtImages.t(1, 0),
                SeededContent.dense(30_000_000, 11, SeededContent.Fill.RANDOM))
            .build());
    FileTree tree = b.build();
    Path image = ExtImages.write("ext4", Map.of("block-size", "1024"), tree, tmp.resolve("a.img"));
    ExtImages.assertCleanAndMountsAs(image, tree, true);
  }

  @Test
  void write_moreThanFourExtents_usesIndexLevel() throws Exception {
    FileTree tree = ExtImages.everything();
    Path image = ExtImages.write("ext4", Map.of(), tree, tmp.resolve("a.img"));
    String extents = Validators.debugfs(image, "ex /sparse-many");
    assertThat(extents).contains(" 0/ 1 ").contains(" 1/ 1 ");
    String one = Validators.debugfs(image, "stat /shared-xattrs-1");
    String two = Validators.debugfs(image, "stat /shared-xattrs-2");
    String acl1 = one.replaceAll("(?s).*File ACL: (\\d+).*", "$1");
    assertThat(acl1).isNotEqualTo("0").isEqualTo(two.replaceAll("(?s).*File ACL: (\\d+).*", "$1"));
    String holes = Validators.debugfs(image, "stat /hole-only");
    assertThat(holes).contains("Blockcount: 0");
    ExtImages.assertCleanAndMountsAs(image, tree, true);
  }

  @Test
  void write_wideDirectory_htreeThatDebugfsAndKernelRead() throws Exception {
    FileTree tree = wide(3000);
    Path image = ExtImages.write("ext4", Map.of(), tree, tmp.resolve("a.img"));
    String htree = Validators.debugfs(image, "htree /wide");
    assertThat(htree).contains("Root node dump").contains("Indirect levels: 0");
    assertThat(Validators.debugfs(image, "stat /wide")).contains("Flags: 0x81000");
    ExtImages.assertCleanAndMountsAs(image, tree, true);
  }

  @Test
  void write_wideDirectorySmallBlocks_twoLevelHtree() throws Exception {
    FileTree tree = wide(5000);
    Path image = ExtImages.write("ext4", Map.of("block-size", "1024"), tree, tmp.resolve("a.img"));
    assertThat(Validators.debugfs(image, "htree /wide")).contains("Indirect levels: 1");
    ExtImages.assertCleanAndMountsAs(image, tree, true);
  }

  @Test
  void write_wideDirectoryExt3_htreeClean() throws Exception {
    FileTree tree = wide(2000);
    Path image = ExtImages.write("ext3", Map.of(), tree, tmp.resolve("a.img"));
    ExtImages.assertCleanAndMountsAs(image, tree, true);
  }

  private static FileTree wide(int n) throws Exception {
    FileTreeBuilder b = new FileTreeBuilder();
    for (int i = 0; i < n; i++) {
      b.put(
          ImagePath.of("wide/file-with-a-longish-name-" + i),
          ExtImages.file(0644, ExtImages.t(i, 0), Content.ofBytes(new byte[0])).build());
    }
    return b.build();
  }

  @Test
  void write_manyGroupsGivenSize_e2fsckClean() throws Exception {
    FileTree tree = ExtImages.everything();
    Path image =
        ExtImages.write(
            "ext4", Map.of("size", "700M", "label", "rootfs"), tree, tmp.resolve("a.img"));
    assertThat(Files.size(image)).isEqualTo(700L << 20);
    ExtImages.assertCleanAndMountsAs(image, tree, true);
  }

  @Test
  void write_dumpe2fsShowsWhatWasAsked() throws Exception {
    FileTree tree = ExtImages.everything();
    Path image =
        ExtImages.write(
            "ext4", Map.of("label", "root", "reserved-percent", "5"), tree, tmp.resolve("a.img"));
    Map<String, String> h = Validators.dumpe2fsHeader(image);
    Identities ids = Identities.fromSeed(ExtImages.SEED);
    assertThat(h.get("Filesystem UUID"))
        .isEqualTo(ids.uuid(Identities.FILESYSTEM_UUID_LABEL).toString());
    assertThat(h.get("Directory Hash Seed"))
        .isEqualTo(Identities.fromBytes(ids.bytes(Ext4Writer.HASH_SEED_LABEL, 16)).toString());
    assertThat(h.get("Filesystem volume name")).isEqualTo("root");
    assertThat(h.get("Filesystem flags")).isEqualTo("unsigned_directory_hash");
    assertThat(h.get("Default directory hash")).isEqualTo("half_md4");
    assertThat(h.get("Block size")).isEqualTo("4096");
    assertThat(h.get("Inode size")).isEqualTo("256");
    assertThat(h.get("Checksum type")).isEqualTo("crc32c");
    assertThat(h.get("Journal backup")).isEqualTo("inode blocks");
    assertThat(h.get("Filesystem features").split(" "))
        .containsExactlyInAnyOrder(
            "has_journal",
            "ext_attr",
            "dir_index",
            "filetype",
            "extent",
            "64bit",
            "flex_bg",
            "sparse_super",
            "large_file",
            "huge_file",
            "dir_nlink",
            "extra_isize",
            "metadata_csum");
    long blocks = Long.parseLong(h.get("Block count"));
    assertThat(Long.parseLong(h.get("Reserved block count"))).isEqualTo(blocks * 5 / 100);
    ExtImages.assertCleanAndMountsAs(image, tree, true);
  }

  @Test
  void write_twiceAndShuffled_identicalBytes() throws Exception {
    FileTree tree = ExtImages.everything();
    List<Map.Entry<ImagePath, Entry>> entries = new ArrayList<>(tree.entries().entrySet());
    Collections.reverse(entries);
    FileTreeBuilder b = new FileTreeBuilder();
    for (var e : entries) {
      b.put(e.getKey(), e.getValue());
    }
    FileTree shuffled = b.build();
    Path one = ExtImages.write("ext4", Map.of(), tree, tmp.resolve("1.img"));
    Path two = ExtImages.write("ext4", Map.of(), tree, tmp.resolve("2.img"));
    Path three = ExtImages.write("ext4", Map.of(), shuffled, tmp.resolve("3.img"));
    assertThat(Files.mismatch(one, two)).isEqualTo(-1);
    assertThat(Files.mismatch(one, three)).isEqualTo(-1);
  }

  @Test
  void plan_sizeTooSmall_saysWhatIsNeeded() throws Exception {
    FileTree tree = ExtImages.everything();
    FilesystemWriter w = ExtImages.writer("ext4", Map.of("size", "1M"), tree);
    assertThatThrownBy(() -> w.plan(tree))
        .isInstanceOf(ImageTooSmallException.class)
        .hasMessageContaining("the tree needs at least")
        .hasMessageContaining("use --size")
        .hasMessageContaining("or omit --size")
        .satisfies(
            e -> assertThat(((ImageTooSmallException) e).neededBytes()).isGreaterThan(1L << 20));
  }

  @Test
  void write_channelSmallerThanSize_throwsTooSmall() throws Exception {
    FileTree tree = ExtImages.everything();
    FilesystemWriter w = ExtImages.writer("ext4", Map.of("size", "64M"), tree);
    try (FileImageChannel ch = FileImageChannel.create(tmp.resolve("a.img"))) {
      ch.setSize(1 << 20);
      assertThatThrownBy(() -> w.write(tree, ch, ProgressListener.NONE))
          .isInstanceOf(ImageTooSmallException.class);
    }
  }

  @Test
  void newWriter_unknownOptionOrFeature_namesIt() {
    FileTree tree = FileTree.empty();
    assertThatThrownBy(() -> ExtImages.writer("ext4", Map.of("blocksize", "4096"), tree))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("blocksize")
        .hasMessageContaining("block-size");
    assertThatThrownBy(() -> ExtImages.writer("ext4", Map.of("features", "-bogus"), tree))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("bogus");
    assertThatThrownBy(() -> ExtImages.writer("ext4", Map.of("label", "x".repeat(17)), tree))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("16");
  }

  @Test
  void plan_nameTooLong_namesEntry() throws Exception {
    FileTreeBuilder b = new FileTreeBuilder();
    b.put(
        ImagePath.of("d/" + "n".repeat(256)),
        ExtImages.file(0644, ExtImages.t(0, 0), Content.ofBytes(new byte[1])).build());
    FileTree tree = b.build();
    FilesystemWriter w = ExtImages.writer("ext4", Map.of(), tree);
    assertThatThrownBy(() -> w.plan(tree))
        .isInstanceOf(UnsupportedEntryException.class)
        .hasMessageContaining("nnnn")
        .hasMessageContaining("255");
  }

  @Test
  void plan_xattrsTooLarge_namesEntry() throws Exception {
    FileTreeBuilder b = new FileTreeBuilder();
    b.put(
        ImagePath.of("f"),
        ExtImages.file(0644, ExtImages.t(0, 0), Content.ofBytes(new byte[1]))
            .xattr("user.a", new byte[3000])
            .xattr("user.b", new byte[3000])
            .build());
    FileTree tree = b.build();
    FilesystemWriter w = ExtImages.writer("ext4", Map.of(), tree);
    assertThatThrownBy(() -> w.plan(tree))
        .isInstanceOf(UnsupportedEntryException.class)
        .hasMessageContaining("f: ")
        .hasMessageContaining("extended attributes");
  }

  @Test
  void write_sparseFileBeyond4GiB_keepsSizeHolesAndData() throws Exception {
    long far = 9L << 29;
    SeededContent content =
        SeededContent.sparse(
            5L << 30,
            9,
            SeededContent.Fill.RANDOM,
            List.of(new Extent(0, 10_000), new Extent(far, 10_000)));
    FileTree tree =
        new FileTreeBuilder()
            .put(ImagePath.of("f"), ExtImages.file(0644, ExtImages.t(30, 0), content).build())
            .build();
    for (String type : List.of("ext4", "ext2")) {
      Path image = ExtImages.write(type, Map.of(), tree, tmp.resolve(type + ".img"));
      assertThat(Files.size(image)).isLessThan(64L << 20);
      Validators.e2fsckClean(image);
      Validators.requireLoopMount();
      byte[] expected = new byte[10_000];
      try (var in = content.open()) {
        in.skipNBytes(far);
        in.readNBytes(expected, 0, expected.length);
      }
      try (LoopMount m = LoopMount.mount(image);
          var ch = java.nio.channels.FileChannel.open(m.root().resolve("f"))) {
        assertThat(ch.size()).isEqualTo(5L << 30);
        java.nio.ByteBuffer got = java.nio.ByteBuffer.allocate(10_000);
        ch.read(got, far);
        assertThat(got.array()).isEqualTo(expected);
      }
    }
  }

  /**
   * Times in 2310-04-04..2378-04-22 are refused, naming the entry and the field. The kernel reads
   * them back as written, but e2fsck 1.47 reports each such inode ("Timestamp(s) on inode N beyond
   * 2310-04-04 are likely pre-1970") and e2fsck -p, the boot-time check, rewrites it to 1901..1969.
   */
  @Test
  void plan_timeIn2310To2378_refusedNamingEntryAndField() throws Exception {
    for (long s :
        new long[] {Inode.E2FSCK_SUSPECT_MIN, 11_000_000_000L, Inode.E2FSCK_SUSPECT_MAX}) {
      Timestamp bad = ExtImages.t(s, 5);
      Timestamp ok = ExtImages.t(1_700_000_000L, 0);
      Content one = Content.ofBytes(new byte[] {1});
      Map<String, Entry> cases =
          Map.of(
              "f: mtime " + bad,
              ExtImages.file(0644, bad, one).build(),
              "f: atime " + bad,
              ExtImages.file(0644, ok, one).atime(bad).build(),
              "f: ctime " + bad,
              ExtImages.file(0644, ok, one).ctime(bad).build());
      for (var c : cases.entrySet()) {
        FileTree tree = new FileTreeBuilder().put(ImagePath.of("f"), c.getValue()).build();
        for (String type : List.of("ext4", "ext3")) {
          assertThatThrownBy(() -> ExtImages.writer(type, Map.of(), tree).plan(tree))
              .isInstanceOf(UnsupportedEntryException.class)
              .hasMessageStartingWith(c.getKey() + " falls in 2310-04-04..2378-04-22")
              .hasMessageContaining("set SOURCE_DATE_EPOCH to clamp it");
        }
      }
    }
  }

  /** The seconds on either side of 2310-04-04..2378-04-22 are written; e2fsck is silent. */
  @Test
  void write_timesBeside2310To2378_e2fsckSilentKernelReadsThem() throws Exception {
    Content one = Content.ofBytes(new byte[] {1});
    Timestamp before = ExtImages.t(Inode.E2FSCK_SUSPECT_MIN - 1, 999_999_999);
    Timestamp after = ExtImages.t(Inode.E2FSCK_SUSPECT_MAX + 1, 1);
    FileTree tree =
        new FileTreeBuilder()
            .put(ImagePath.of("before"), ExtImages.file(0644, before, one).build())
            .put(ImagePath.of("after"), ExtImages.file(0644, after, one).build())
            .put(
                ImagePath.of("atimes"),
                ExtImages.file(0644, ExtImages.t(1, 0), one).atime(after).ctime(before).build())
            .build();
    Path image = ExtImages.write("ext4", Map.of(), tree, tmp.resolve("a.img"));
    ExtImages.assertCleanAndMountsAs(image, tree, true);
    try (LoopMount m = LoopMount.mount(image)) {
      // stat(1): the JDK's file times stop at microseconds
      String times =
          dev.jimg.testdata.Exec.run(
                  "stat", "-c", "%.9Y %.9X %.9Z", m.root().resolve("atimes").toString())
              .requireOk()
              .text()
              .strip();
      assertThat(times)
          .isEqualTo(
              "1.000000000 "
                  + (Inode.E2FSCK_SUSPECT_MAX + 1)
                  + ".000000001 "
                  + (Inode.E2FSCK_SUSPECT_MIN - 1)
                  + ".999999999");
    }
  }

  /**
   * A build time (SOURCE_DATE_EPOCH) in 2310-04-04..2378-04-22 would stamp lost+found and the
   * journal inode with it: refused, naming the build time.
   */
  @Test
  void plan_buildTimeIn2310To2378_refusedNamingTheBuildTime() throws Exception {
    FileTree tree =
        new FileTreeBuilder()
            .put(
                ImagePath.of("f"),
                ExtImages.file(0644, ExtImages.t(1, 0), Content.ofBytes(new byte[] {1})).build())
            .build();
    WriteContext ctx =
        new WriteContext(
            BuildClock.fixed(Timestamp.ofSeconds(11_000_000_000L)),
            Identities.fromSeed(ExtImages.SEED));
    assertThatThrownBy(() -> Filesystems.installed().writer("ext4", Map.of(), ctx).plan(tree))
        .isInstanceOf(UnsupportedEntryException.class)
        .hasMessageStartingWith(
            "lost+found and the journal inode: build time (SOURCE_DATE_EPOCH or an explicit"
                + " time) 2318-07-30T19:33:20Z falls in 2310-04-04..2378-04-22")
        .hasMessageEndingWith("choose another build time");
  }

  @Test
  void write_givenUuid_usesIt() throws Exception {
    FileTree tree = ExtImages.everything();
    UUID u = UUID.fromString("01234567-89ab-cdef-0123-456789abcdef");
    Path image = ExtImages.write("ext4", Map.of("uuid", u.toString()), tree, tmp.resolve("a.img"));
    assertThat(Validators.dumpe2fsHeader(image).get("Filesystem UUID")).isEqualTo(u.toString());
    Validators.e2fsckClean(image);
  }
}
