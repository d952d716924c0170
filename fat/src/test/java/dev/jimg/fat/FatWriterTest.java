/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.fat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jimg.core.ImageTooSmallException;
import dev.jimg.core.InvalidOptionException;
import dev.jimg.core.TreeConflictException;
import dev.jimg.core.UnsupportedEntryException;
import dev.jimg.core.spi.WriteResult;
import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import dev.jimg.testdata.SeededContent;
import dev.jimg.testdata.Tool;
import dev.jimg.testdata.Validators;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FatWriterTest {
  static final Timestamp T = Timestamp.ofSeconds(1_600_000_001L);

  @TempDir Path tmp;

  @BeforeAll
  static void tools() {
    Validators.require(Tool.FSCK_FAT, Tool.MDIR, Tool.MCOPY);
  }

  static FileTree sample() throws Exception {
    FileTreeBuilder b = new FileTreeBuilder();
    b.put(ImagePath.of("EFI"), Entry.directory(0755, T));
    b.put(ImagePath.of("EFI/BOOT"), Entry.directory(0755, T));
    b.put(
        ImagePath.of("EFI/BOOT/BOOTX64.EFI"),
        Entry.file(0644, T, SeededContent.dense(70_000, 1, SeededContent.Fill.RANDOM)));
    b.put(ImagePath.of("readme.txt"), Entry.file(0644, T, Content.ofBytes(text("hello\n"))));
    b.put(ImagePath.of("CAPS.TXT"), Entry.file(0644, T, Content.ofBytes(text("caps"))));
    b.put(ImagePath.of("lower.TXT"), Entry.file(0644, T, Content.ofBytes(text("l"))));
    b.put(
        ImagePath.of("A long name with spaces.conf"),
        Entry.file(0644, T, Content.ofBytes(text("x"))));
    b.put(ImagePath.of(".hidden"), Entry.file(0644, T, Content.ofBytes(text("h"))));
    b.put(ImagePath.of("Mixed.Txt"), Entry.file(0644, T, Content.ofBytes(text("m"))));
    b.put(ImagePath.of("empty"), Entry.file(0644, T, Content.ofBytes(new byte[0])));
    b.put(ImagePath.of("empty-dir"), Entry.directory(0755, T));
    b.put(ImagePath.of("loader"), Entry.directory(0755, T));
    b.put(ImagePath.of("loader/entries"), Entry.directory(0755, T));
    b.put(
        ImagePath.of("loader/entries/debian-6.1.0-amd64.conf"),
        Entry.file(0644, T, Content.ofBytes(text("title Debian\n"))));
    b.put(ImagePath.of("emoji-\uD83D\uDE00.txt"), Entry.file(0644, T, Content.ofBytes(text("e"))));
    b.put(ImagePath.of("grüße"), Entry.file(0644, T, Content.ofBytes(text("g"))));
    b.put(
        ImagePath.of("a-name-of-exactly-26-chars"),
        Entry.file(0644, T, Content.ofBytes(text("26"))));
    return b.build();
  }

  /** {@code tree} without the entries whose names leave the BMP (mcopy garbles them). */
  static FileTree withoutNonBmpNames(FileTree tree) throws Exception {
    FileTreeBuilder b = new FileTreeBuilder();
    for (var e : tree) {
      String p = new String(e.getKey().bytes(), StandardCharsets.UTF_8);
      if (p.codePoints().noneMatch(Character::isSupplementaryCodePoint)) {
        b.put(e.getKey(), e.getValue());
      }
    }
    return b.build();
  }

  static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private BootSector build(FileTree tree, Map<String, String> options, String name)
      throws Exception {
    Path img = tmp.resolve(name);
    WriteResult r = FatTestSupport.write(tree, options, img);
    FatTestSupport.assertValid(tree, img, Files.createDirectories(tmp.resolve(name + ".d")));
    BootSector b = boot(img);
    assertThat(r.bytesUsed()).isEqualTo(Files.size(img));
    assertThat(r.mbrType().getAsInt())
        .isEqualTo(
            switch (b.type()) {
              case FAT12 -> 0x01;
              case FAT16 -> 0x0E;
              case FAT32 -> 0x0C;
            });
    assertThat(r.gptType()).contains(FatWriter.MICROSOFT_BASIC_DATA);
    return b;
  }

  static BootSector boot(Path img) throws Exception {
    byte[] head = new byte[4096];
    try (var in = Files.newInputStream(img)) {
      in.readNBytes(head, 0, head.length);
    }
    return BootSector.read(ByteBuffer.wrap(head), img.toString());
  }

  @Test
  void write_minimalSize_fsckCleanAndMtoolsReadsBack() throws Exception {
    BootSector b = build(sample(), Map.of("label", "EFI"), "min.img");
    assertThat(b.type()).isEqualTo(FatType.FAT12);
    assertThat(b.volumeLabel()).isEqualTo("EFI        ");
  }

  @Test
  void write_floppy_isFat12WithFloppyMedia() throws Exception {
    BootSector b = build(sample(), Map.of("size", "1440K"), "floppy.img");
    assertThat(b.type()).isEqualTo(FatType.FAT12);
    assertThat(b.totalSectors()).isEqualTo(2880);
    assertThat(b.media()).isEqualTo(0xF0);
    assertThat(b.clusterCount()).isLessThan(FatType.FAT12_LIMIT);
  }

  @Test
  void write_16MiB_isFat16() throws Exception {
    BootSector b = build(sample(), Map.of("size", "16M", "label", "BOOT"), "fat16.img");
    assertThat(b.type()).isEqualTo(FatType.FAT16);
    assertThat(b.clusterCount()).isBetween(4087L, 65_524L);
  }

  @Test
  void write_fat32_atLeast65525Clusters_withFsInfoAndBackup() throws Exception {
    BootSector b = build(sample(), Map.of("size", "40M", "fat", "32"), "f32.img");
    assertThat(b.type()).isEqualTo(FatType.FAT32);
    assertThat(b.clusterCount()).isGreaterThanOrEqualTo(65_525L);
    assertThat(b.reservedSectors()).isEqualTo(32);
    byte[] all = Files.readAllBytes(tmp.resolve("f32.img"));
    ByteBuffer bb = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(bb.getInt(512)).isEqualTo(FsInfo.LEAD_SIG);
    assertThat(java.util.Arrays.copyOfRange(all, 0, 512))
        .isEqualTo(java.util.Arrays.copyOfRange(all, 6 * 512, 7 * 512));
  }

  @Test
  void write_fat32ClusterNumbersAbove65535_highWordStored() throws Exception {
    FileTreeBuilder t = new FileTreeBuilder();
    t.put(
        ImagePath.of("big.bin"),
        Entry.file(0644, T, SeededContent.dense(40_000_000, 3, SeededContent.Fill.RANDOM)));
    t.put(ImagePath.of("zz after.txt"), Entry.file(0644, T, Content.ofBytes(text("after"))));
    BootSector b =
        build(t.build(), Map.of("size", "64M", "fat", "32", "cluster-size", "512"), "hi.img");
    assertThat(b.clusterCount()).isGreaterThan(80_000);
  }

  @Test
  void write_4096ByteSectors_fat16AndFat32() throws Exception {
    BootSector b16 = build(sample(), Map.of("size", "64M", "sector-size", "4096"), "s4k16.img");
    assertThat(b16.bytesPerSector()).isEqualTo(4096);
    assertThat(b16.type()).isEqualTo(FatType.FAT16);
    BootSector b32 =
        build(
            sample(),
            Map.of("size", "300M", "sector-size", "4096", "fat", "32", "label", "ESP"),
            "s4k32.img");
    assertThat(b32.type()).isEqualTo(FatType.FAT32);
    assertThat(b32.clusterCount()).isGreaterThanOrEqualTo(65_525L);
  }

  @Test
  void write_fat32TooSmall_refusedWithMinimumSize() {
    assertThatThrownBy(
            () ->
                FatTestSupport.write(
                    sample(), Map.of("size", "32M", "fat", "32"), tmp.resolve("x")))
        .isInstanceOf(ImageTooSmallException.class)
        .hasMessageContaining("65,525 clusters")
        .hasMessageContaining("UEFI")
        .hasMessageContaining("use --size 33M or more, or --fat 16");
  }

  @Test
  void write_sizeTooSmallForTree_refusedNamingSize() {
    FileTree big =
        tree(Map.of("big", SeededContent.dense(3_000_000, 2, SeededContent.Fill.RANDOM)));
    assertThatThrownBy(() -> FatTestSupport.write(big, Map.of("size", "1440K"), tmp.resolve("x")))
        .isInstanceOf(ImageTooSmallException.class)
        .hasMessageContaining("use --size");
  }

  @Test
  void write_clusterCountInBand4085_movedToFat12() throws Exception {
    // 1 boot + 2 x 12 FAT + 32 root + 4085 clusters of 512 bytes
    long sectors = 1 + 24 + 32 + 4085;
    BootSector b =
        build(
            sample(),
            Map.of("size", Long.toString(sectors * 512), "cluster-size", "512"),
            "band.img");
    assertThat(b.type()).isEqualTo(FatType.FAT12);
    assertThat(b.clusterCount()).isEqualTo(4084);
  }

  @Test
  void write_lowerCase83Names_ntFlagsAndNoLongName() throws Exception {
    FileTree tree =
        tree(
            Map.of(
                "readme.txt", Content.ofBytes(text("a")),
                "lower.TXT", Content.ofBytes(text("b")),
                "UPPER.txt", Content.ofBytes(text("c")),
                "Mixed.txt", Content.ofBytes(text("d"))));
    Path img = tmp.resolve("lc.img");
    FatTestSupport.write(tree, Map.of(), img);
    FatTestSupport.assertValid(tree, img, Files.createDirectories(tmp.resolve("lc.d")));
    Map<String, Integer> flags = new HashMap<>();
    int longSlots = 0;
    BootSector b = boot(img);
    ByteBuffer all = ByteBuffer.wrap(Files.readAllBytes(img));
    for (int i = 0; i < b.rootEntries(); i++) {
      int off = (int) (b.rootDirStart() * b.bytesPerSector()) + i * 32;
      if (all.get(off) == 0) {
        break;
      }
      DirectoryEntry e = DirectoryEntry.read(all, off);
      if (e.attributes() == DirectoryEntry.ATTR_LONG_NAME) {
        longSlots++;
      } else {
        flags.put(new String(e.name(), StandardCharsets.US_ASCII), e.ntFlags());
      }
    }
    assertThat(flags)
        .containsEntry("README  TXT", 0x18)
        .containsEntry("LOWER   TXT", 0x08)
        .containsEntry("UPPER   TXT", 0x10)
        .containsEntry("MIXED   TXT", 0);
    assertThat(longSlots).isEqualTo(1);
  }

  @Test
  void write_directoryWith3500Entries_shortNameTailsAndMtoolsReadsAll() throws Exception {
    FileTreeBuilder b = new FileTreeBuilder();
    b.put(ImagePath.of("many"), Entry.directory(0755, T));
    for (int i = 0; i < 3500; i++) {
      b.put(
          ImagePath.of(String.format(java.util.Locale.ROOT, "many/Document number %04d.text", i)),
          Entry.file(0644, T, Content.ofBytes(text("n" + i))));
    }
    FileTree tree = b.build();
    long start = System.nanoTime();
    Path img = tmp.resolve("many.img");
    FatTestSupport.write(tree, Map.of(), img);
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(10_000);
    FatTestSupport.assertValid(tree, img, Files.createDirectories(tmp.resolve("many.d")));
    List<String> listing = Validators.mdirList(img);
    assertThat(String.join("\n", listing)).contains("DOCUME~1 TEX").contains("DOCUME~4 TEX");
    assertThat(listing.stream().filter(l -> l.matches("DO[0-9A-F]{4}~\\d TEX.*")).count())
        .isEqualTo(3496);
  }

  @Test
  void write_namesDifferingInCase_refused() {
    FileTree t =
        tree(Map.of("Foo.txt", Content.ofBytes(text("a")), "FOO.TXT", Content.ofBytes(text("b"))));
    assertThatThrownBy(() -> FatTestSupport.write(t, Map.of(), tmp.resolve("x")))
        .isInstanceOf(TreeConflictException.class)
        .hasMessageContaining("Foo.txt")
        .hasMessageContaining("FOO.TXT")
        .hasMessageContaining("case");
  }

  static FileTree withLinks() throws Exception {
    FileTreeBuilder b = new FileTreeBuilder();
    b.put(ImagePath.of("real.txt"), Entry.file(0644, T, Content.ofBytes(text("real"))));
    b.put(ImagePath.of("link.txt"), Entry.symlink("real.txt", T));
    b.put(ImagePath.of("dev"), Entry.directory(0755, T));
    b.put(
        ImagePath.of("dev/null"),
        Entry.builder(dev.jimg.core.tree.EntryType.CHAR_DEVICE).mode(0666).device(1, 3).build());
    return b.build();
  }

  @Test
  void write_symlinksAndDevices_errorListsThem() {
    assertThatThrownBy(() -> FatTestSupport.write(withLinks(), Map.of(), tmp.resolve("x")))
        .isInstanceOf(UnsupportedEntryException.class)
        .hasMessageContaining("link.txt (symlink)")
        .hasMessageContaining("dev/null (char_device)")
        .hasMessageContaining("use --unsupported skip");
  }

  @Test
  void write_unsupportedSkip_leavesThemOut() throws Exception {
    Path img = tmp.resolve("skip.img");
    FatTestSupport.write(withLinks(), Map.of("unsupported", "skip"), img);
    FileTreeBuilder expected = new FileTreeBuilder();
    expected.put(ImagePath.of("real.txt"), Entry.file(0644, T, Content.ofBytes(text("real"))));
    expected.put(ImagePath.of("dev"), Entry.directory(0755, T));
    FatTestSupport.assertValid(expected.build(), img, Files.createDirectories(tmp.resolve("s")));
  }

  @Test
  void write_symlinksFollow_copiesTarget() throws Exception {
    Path img = tmp.resolve("follow.img");
    FatTestSupport.write(withLinks(), Map.of("unsupported", "skip", "symlinks", "follow"), img);
    FileTreeBuilder expected = new FileTreeBuilder();
    expected.put(ImagePath.of("real.txt"), Entry.file(0644, T, Content.ofBytes(text("real"))));
    expected.put(ImagePath.of("link.txt"), Entry.file(0644, T, Content.ofBytes(text("real"))));
    expected.put(ImagePath.of("dev"), Entry.directory(0755, T));
    FatTestSupport.assertValid(expected.build(), img, Files.createDirectories(tmp.resolve("f")));
  }

  @Test
  void write_hiddenSectors_inBootSectorAndFsckClean() throws Exception {
    BootSector b = build(sample(), Map.of("size", "8M", "hidden-sectors", "2048"), "hidden.img");
    assertThat(b.hiddenSectors()).isEqualTo(2048);
  }

  @Test
  void write_volumeId_givenOrDerivedFromIdentities() throws Exception {
    assertThat(build(sample(), Map.of("volume-id", "1234-ABCD"), "vid.img").volumeId())
        .isEqualTo(0x1234ABCD);
    FileTree tree = sample();
    int derived =
        FatTestSupport.context(tree)
            .identities()
            .volumeId32(dev.jimg.core.repro.Identities.FILESYSTEM_UUID_LABEL);
    assertThat(build(tree, Map.of(), "vid2.img").volumeId()).isEqualTo(derived);
  }

  @Test
  void plan_minimal_equalsWrittenSize() throws Exception {
    FileTree tree = sample();
    var w = new FatProvider().newWriter(Map.of("fat", "16"), FatTestSupport.context(tree));
    long planned = w.plan(tree);
    Path img = tmp.resolve("plan.img");
    WriteResult r = FatTestSupport.write(tree, Map.of("fat", "16"), img);
    assertThat(r.bytesUsed()).isEqualTo(planned);
    assertThat(Files.size(img)).isEqualTo(planned);
    Validators.fsckFatClean(img);
  }

  @Test
  void write_failingBuildThroughAtomicOutput_leavesNoFile() throws Exception {
    Path img = tmp.resolve("fail.img");
    var w = new FatProvider().newWriter(Map.of(), FatTestSupport.context(withLinks()));
    try (var out = dev.jimg.core.io.AtomicOutput.create(img)) {
      assertThatThrownBy(
              () ->
                  w.write(withLinks(), out.channel(), dev.jimg.core.progress.ProgressListener.NONE))
          .isInstanceOf(UnsupportedEntryException.class);
    }
    try (var s = Files.list(tmp)) {
      assertThat(s.toList()).isEmpty();
    }
  }

  @Test
  void installed_providerFoundByType() throws Exception {
    assertThat(dev.jimg.core.spi.Filesystems.installed().provider("fat"))
        .isInstanceOf(FatProvider.class);
  }

  @Test
  void parse_badOptions_refusedWithAcceptedValues() {
    assertThatThrownBy(() -> FatOptions.parse(Map.of("label", "efi")))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("'EFI'");
    assertThatThrownBy(() -> FatOptions.parse(Map.of("fat", "24")))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("12, 16, 32");
    assertThatThrownBy(() -> FatOptions.parse(Map.of("sector-size", "1024")))
        .isInstanceOf(InvalidOptionException.class);
    assertThatThrownBy(() -> FatOptions.parse(Map.of("block-size", "1024")))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("known options");
  }

  @Test
  void write_twiceShuffledInOtherTimeZones_identicalBytes() throws Exception {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      names.add("dir" + (i % 4) + "/File name " + i + ".dat");
    }
    Path a = tmp.resolve("a.img");
    Path c = tmp.resolve("c.img");
    TimeZone saved = TimeZone.getDefault();
    try {
      TimeZone.setDefault(TimeZone.getTimeZone("America/New_York"));
      FatTestSupport.write(treeOf(names), Map.of("size", "8M", "label", "X"), a);
      Collections.reverse(names);
      TimeZone.setDefault(TimeZone.getTimeZone("Asia/Kolkata"));
      FatTestSupport.write(treeOf(names), Map.of("label", "X", "size", "8M"), c);
    } finally {
      TimeZone.setDefault(saved);
    }
    assertThat(Files.readAllBytes(c)).isEqualTo(Files.readAllBytes(a));
  }

  private static FileTree treeOf(List<String> names) throws Exception {
    FileTreeBuilder b = new FileTreeBuilder();
    for (String n : names) {
      b.put(
          ImagePath.of(n),
          Entry.file(
              0644,
              T,
              SeededContent.dense(n.length() * 100L, n.hashCode(), SeededContent.Fill.RANDOM)));
    }
    return b.build();
  }

  static FileTree tree(Map<String, Content> files) {
    try {
      FileTreeBuilder b = new FileTreeBuilder();
      for (Map.Entry<String, Content> e : files.entrySet()) {
        b.put(ImagePath.of(e.getKey()), Entry.file(0644, T, e.getValue()));
      }
      return b.build();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
