/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import static dev.jimg.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jimg.cli.CliTest.Run;
import dev.jimg.core.source.SourceOptions;
import dev.jimg.core.source.TarSource;
import dev.jimg.testdata.Exec;
import dev.jimg.testdata.LoopDevice;
import dev.jimg.testdata.LoopMount;
import dev.jimg.testdata.TreeManifest;
import dev.jimg.testdata.TreeManifestAssert;
import dev.jimg.testdata.Validators;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code jimg disk} with the real filesystem writers: a GPT disk with a FAT ESP, a squashfs and an
 * ext4 partition, judged by sgdisk, fsck.fat on the ESP's bytes and the kernel mounting the others
 * by offset.
 */
class DiskIntegrationTest {
  @TempDir Path tmp;

  private Path spec(int sectorSize) throws IOException {
    Path example = Path.of(MkfsCommandTest.EXAMPLE).toAbsolutePath();
    Path boot = Files.createDirectories(tmp.resolve("boot/EFI/BOOT"));
    Files.writeString(boot.resolve("BOOTX64.EFI"), "not really a loader\n", StandardCharsets.UTF_8);
    Path spec = tmp.resolve("disk.yaml");
    Files.writeString(
        spec,
        String.join(
            "\n",
            "table: gpt",
            "sector-size: " + sectorSize,
            "seed: integration",
            "partitions:",
            "  - name: esp",
            "    type: esp",
            "    size: 40M",
            "    filesystem: fat",
            "    sources: [boot/]",
            "    label: ESP",
            "  - name: usr",
            "    type: linux-usr-x86-64",
            "    filesystem: squashfs",
            "    sources: [" + example + "]",
            "  - name: root",
            "    type: linux-root-x86-64",
            "    filesystem: ext4",
            "    sources: [" + example + "]",
            ""),
        StandardCharsets.UTF_8);
    return spec;
  }

  private TreeManifest exampleManifest() throws IOException {
    try (TarSource s = TarSource.open(Path.of(MkfsCommandTest.EXAMPLE), SourceOptions.defaults())) {
      return TreeManifest.of(s.tree());
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {512, 4096})
  void disk_gptWithFatSquashfsExt4_everyJudgeAccepts(int sectorSize) throws IOException {
    Path disk = tmp.resolve("disk.img");
    Run r = run("disk", disk.toString(), "--spec", spec(sectorSize).toString());
    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();

    List<Validators.Partition> parts;
    if (sectorSize == 512) {
      Validators.sgdiskClean(disk);
      parts = Validators.partitions(disk);
    } else {
      // the tools assume 512-byte sectors for a file: judge a loop device with 4 KiB sectors
      try (LoopDevice loop = LoopDevice.attach(disk, 4096)) {
        Validators.sgdiskClean(loop.device());
        parts = Validators.partitions(loop.device());
      }
    }
    assertThat(parts).extracting(Validators.Partition::name).containsExactly("esp", "usr", "root");

    Path esp = tmp.resolve("esp.img");
    Exec.run(
            "dd",
            "if=" + disk,
            "of=" + esp,
            "bs=" + sectorSize,
            "skip=" + parts.get(0).offset() / sectorSize,
            "count=" + parts.get(0).size() / sectorSize,
            "status=none")
        .requireOk();
    Validators.fsckFatClean(esp);

    Validators.requireLoopMount();
    try (LoopMount m =
        LoopMount.of(disk)
            .offset(parts.get(1).offset())
            .sizeLimit(parts.get(1).size())
            .type("squashfs")
            .mount()) {
      TreeManifestAssert.assertThat(TreeManifest.ofHostDirectory(m.root()))
          .withMtimeSeconds()
          .matches(exampleManifest());
    }
    try (LoopMount m =
        LoopMount.of(disk)
            .offset(parts.get(2).offset())
            .sizeLimit(parts.get(2).size())
            .type("ext4")
            .mount()) {
      TreeManifestAssert.assertThat(TreeManifest.ofHostDirectory(m.root()).without("lost+found"))
          .matches(exampleManifest());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"raw", "vhd", "qcow2"})
  void disk_twice_identicalBytesForEveryContainer(String format) throws IOException {
    Path spec = spec(512);
    Path a = tmp.resolve("a." + format);
    Path b = tmp.resolve("b." + format);
    assertThat(run("disk", a.toString(), "--spec", spec.toString(), "--format", format).code())
        .isZero();
    assertThat(run("disk", b.toString(), "--spec", spec.toString(), "--format", format).code())
        .isZero();
    assertThat(Files.mismatch(a, b)).isEqualTo(-1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"missing-source", "too-small"})
  void disk_badSpec_oneErrorAndNoFile(String kind) throws IOException {
    Path spec = tmp.resolve("bad.yaml");
    String partition =
        kind.equals("missing-source")
            ? "    filesystem: ext4\n    sources: [does-not-exist.tar]\n"
            : "    size: 1M\n    filesystem: ext4\n    sources: ["
                + Path.of(MkfsCommandTest.EXAMPLE).toAbsolutePath()
                + "]\n";
    Files.writeString(
        spec,
        "partitions:\n  - name: root\n    type: linux-root-x86-64\n" + partition,
        StandardCharsets.UTF_8);
    Run r = run("disk", tmp.resolve("out.img").toString(), "--spec", spec.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).startsWith("jimg: ").hasLineCount(1);
    try (Stream<Path> files = Files.list(tmp)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("bad.yaml");
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {512, 4096})
  void ls_disk_printsTableAndPartitionTrees(int sectorSize) throws IOException {
    Path disk = tmp.resolve("disk.img");
    assertThat(run("disk", disk.toString(), "--spec", spec(sectorSize).toString()).code()).isZero();
    Run r = run("ls", disk.toString());
    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains(": gpt, " + sectorSize + "-byte sectors, disk GUID ")
        .contains("# 1 offset=")
        .contains("name=esp filesystem=fat")
        .contains("name=usr filesystem=squashfs")
        .contains("name=root filesystem=ext4")
        .contains(" 1/EFI/BOOT/BOOTX64.EFI\n")
        .contains(" 2/usr/bin/hello\n")
        .contains(" 3/usr/bin/hello\n")
        .contains(" 3/lost+found\n");
  }

  @Test
  void lsJson_disk_tableObjectsThenEntries() throws IOException {
    Path disk = tmp.resolve("disk.img");
    assertThat(run("disk", disk.toString(), "--spec", spec(512).toString()).code()).isZero();
    Run r = run("ls", "--json", disk.toString());
    assertThat(r.code()).isZero();
    String[] lines = r.out().split("\n");
    assertThat(lines[0])
        .startsWith("{\"disk\":")
        .contains("\"table\":\"gpt\"", "\"partition\":1", "\"name\":\"esp\"")
        .contains("\"filesystem\":\"fat\"");
    assertThat(lines[2]).contains("\"partition\":3");
    assertThat(lines[3]).startsWith("{\"path\":\".\"");
  }

  @Test
  void ls_mbrWithLogicalPartitions_listsThemAndTheirTrees() throws IOException {
    Path example = Path.of(MkfsCommandTest.EXAMPLE).toAbsolutePath();
    StringBuilder yaml = new StringBuilder("table: mbr\nseed: logical\npartitions:\n");
    for (int i = 1; i <= 6; i++) {
      yaml.append("  - {filesystem: ")
          .append(i == 6 ? "ext4" : "squashfs")
          .append(", sources: [")
          .append(example)
          .append("]}\n");
    }
    Path spec = tmp.resolve("mbr.yaml");
    Files.writeString(spec, yaml.toString(), StandardCharsets.UTF_8);
    Path disk = tmp.resolve("mbr.img");
    Run made = run("disk", disk.toString(), "--spec", spec.toString());
    assertThat(made.code()).as(made.err()).isZero();

    List<Validators.Partition> sfdisk = Validators.partitions(disk);
    Run r = run("ls", disk.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains(": mbr, 512-byte sectors");
    for (Validators.Partition p : sfdisk) {
      if (p.type().equals("5") || p.type().equals("f")) {
        continue; // the extended partition itself holds no filesystem
      }
      assertThat(r.out())
          .contains("# " + p.number() + " offset=" + p.offset() + " size=" + p.size());
    }
    assertThat(r.out())
        .contains(" 6/usr/bin/hello\n")
        .contains("# 7 offset=")
        .contains(" 7/lost+found\n");
  }

  /**
   * An MBR says nothing of its sector size; a disk written with 4096-byte sectors was listed with
   * 512-byte ones: the partitions at an eighth of their offsets, "filesystem=unknown" and empty
   * trees with exit 0, or with logical partitions a broken chain of extended boot records. fdisk,
   * told the sector size, is the judge.
   */
  @Test
  void ls_mbrWith4096ByteSectors_readsThePartitionsWhereTheyAre() throws IOException {
    Path example = Path.of(MkfsCommandTest.EXAMPLE).toAbsolutePath();
    for (int count : new int[] {2, 6}) {
      StringBuilder yaml =
          new StringBuilder("table: mbr\nsector-size: 4096\nseed: mbr4k\npartitions:\n");
      for (int i = 1; i <= count; i++) {
        yaml.append("  - {filesystem: ")
            .append(i == count ? "ext4" : "squashfs")
            .append(", sources: [")
            .append(example)
            .append("]}\n");
      }
      Path spec = tmp.resolve("mbr4k-" + count + ".yaml");
      Files.writeString(spec, yaml.toString(), StandardCharsets.UTF_8);
      Path disk = tmp.resolve("mbr4k-" + count + ".img");
      Run made = run("disk", disk.toString(), "--spec", spec.toString());
      assertThat(made.code()).as(made.err()).isZero();

      Run r = run("ls", disk.toString());
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out())
          .contains(": mbr, 4096-byte sectors")
          .doesNotContain("filesystem=unknown")
          .contains(" 1/usr/bin/hello\n")
          .contains(" " + (count == 2 ? 2 : 7) + "/lost+found\n");
      Matcher row =
          Pattern.compile(
                  "(?m)^\\S+?(\\d+)\\s+\\*?\\s*(\\d+)\\s+\\d+\\s+(\\d+)\\s+\\S+\\s+([0-9a-f]+)\\s")
              .matcher(Validators.fdiskList(disk, 4096));
      int listed = 0;
      while (row.find()) {
        if (row.group(4).equals("5") || row.group(4).equals("f")) {
          continue; // the extended partition itself holds no filesystem
        }
        long offset = Long.parseLong(row.group(2)) * 4096;
        long size = Long.parseLong(row.group(3)) * 4096;
        assertThat(r.out())
            .contains("# " + row.group(1) + " offset=" + offset + " size=" + size + " ");
        listed++;
      }
      assertThat(listed).as("partitions fdisk lists").isEqualTo(count);
    }
  }

  /**
   * A partition's writer failing said what failed but not in which partition, and gave advice in
   * command-line options that a spec writes differently.
   */
  @Test
  void disk_partitionWriterFails_errorNamesThePartitionAndHowOptionsAreGiven() throws IOException {
    Path example = Path.of(MkfsCommandTest.EXAMPLE).toAbsolutePath();
    Path spec = tmp.resolve("fat-links.yaml");
    Files.writeString(
        spec,
        "partitions:\n"
            + "  - {name: root, filesystem: ext4, sources: ["
            + example
            + "]}\n"
            + "  - {name: boot, type: esp, filesystem: fat, sources: ["
            + example
            + "]}\n",
        StandardCharsets.UTF_8);
    Path disk = tmp.resolve("fat-links.img");

    Run r = run("disk", disk.toString(), "--spec", spec.toString());

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .hasLineCount(1)
        .startsWith("jimg: partitions[1] (boot): fat cannot hold ")
        .contains("--unsupported skip")
        .contains("options: {NAME: VALUE}");
    assertThat(disk).doesNotExist();
    assertThat(tmp).isDirectoryNotContaining(f -> f.getFileName().toString().contains(".jimg"));

    // as the advice says
    Files.writeString(
        spec,
        Files.readString(spec)
            .replace("fat, sources:", "fat, options: {unsupported: skip}, sources:"));
    Run fixed = run("disk", disk.toString(), "--spec", spec.toString());
    assertThat(fixed.code()).as(fixed.err()).isZero();
  }

  @Test
  void ls_diskWithBrokenGptEntries_isCorruptInput() throws IOException {
    Path disk = tmp.resolve("disk.img");
    assertThat(run("disk", disk.toString(), "--spec", spec(512).toString()).code()).isZero();
    try (var ch =
        java.nio.channels.FileChannel.open(disk, java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {0x55}), 1024 + 0x38); // first entry's name
    }
    Run r = run("ls", disk.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("CRC32").hasLineCount(1);
  }

  @Test
  void ls_truncatedDisk_partitionPastTheEndIsAnErrorNotAnEmptyDirectory() throws IOException {
    // it was listed as an empty directory with filesystem=unknown, exit 0, and jimg cat said
    // "no such file in the tree"
    Path disk = tmp.resolve("disk.img");
    assertThat(run("disk", disk.toString(), "--spec", spec(512).toString()).code()).isZero();
    Run table = run("ls", disk.toString());
    Matcher m = Pattern.compile("# 3 offset=(\\d+) size=(\\d+)").matcher(table.out());
    assertThat(m.find()).as(table.out()).isTrue();
    long rootStart = Long.parseLong(m.group(1));
    long rootEnd = rootStart + Long.parseLong(m.group(2));
    try (var ch =
        java.nio.channels.FileChannel.open(disk, java.nio.file.StandardOpenOption.WRITE)) {
      ch.truncate(rootStart + 4096);
    }
    for (String[] args :
        List.of(
            new String[] {"ls", disk.toString()},
            new String[] {"cat", disk.toString(), "3/etc/hostname"})) {
      Run r = run(args);
      assertThat(r.code()).as(r.err()).isEqualTo(1);
      assertThat(r.out()).isEmpty();
      assertThat(r.err())
          .isEqualTo(
              String.format(
                  java.util.Locale.ROOT,
                  "jimg: %s at byte %d: partition 3 (root) spans bytes %,d..%,d but the disk ends"
                      + " at byte %,d: the image is truncated (or its table is wrong)%n",
                  disk,
                  rootStart,
                  rootStart,
                  rootEnd,
                  rootStart + 4096));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"qcow2", "android-sparse"})
  void ls_containerJimgWrites_saysWhatItIsAndHowToConvert(String format) throws IOException {
    // it was "at byte 0: not a tar archive (the first header's checksum does not match)"
    Path disk = tmp.resolve("disk." + format);
    Path spec = tmp.resolve("small.yaml");
    Files.writeString(spec, "partitions:\n  - {name: a, size: 1M}\n", StandardCharsets.UTF_8);
    assertThat(run("disk", disk.toString(), "--spec", spec.toString(), "--format", format).code())
        .isZero();
    String expected =
        format.equals("qcow2")
            ? "a qcow2 image; jimg reads raw disks: qemu-img convert -O raw %s %s.raw"
            : "an Android sparse image; jimg reads raw disks: simg2img %s %s.raw";
    Run r = run("ls", disk.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo(
            "jimg: " + disk + ": " + expected.formatted(disk, disk) + System.lineSeparator());
    Run d = run("diff", disk.toString(), disk.toString());
    assertThat(d.code()).isEqualTo(2);
    assertThat(d.err()).contains(expected.formatted(disk, disk));
  }

  @Test
  void disk_blocksSmallerThanThe4096ByteSectors_refused() throws IOException {
    // exit 0 before, and the kernel refused the partition: "EXT4-fs (loop1): bad block size 1024"
    Path example = Path.of(MkfsCommandTest.EXAMPLE).toAbsolutePath();
    Path disk = tmp.resolve("k.img");
    Path spec = tmp.resolve("k.yaml");
    for (String[] c :
        new String[][] {
          {"ext4", "block-size: 1024", "block-size 1024"},
          {"fat", "sector-size: 512, unsupported: skip", "sector-size 512"}
        }) {
      Files.writeString(
          spec,
          "sector-size: 4096\npartitions:\n  - {name: p, filesystem: "
              + c[0]
              + ", sources: ["
              + example
              + "], options: {"
              + c[1]
              + "}}\n",
          StandardCharsets.UTF_8);
      Run r = run("disk", disk.toString(), "--spec", spec.toString());
      assertThat(r.code()).as(r.err()).isEqualTo(1);
      assertThat(r.err())
          .isEqualTo(
              "jimg: partitions[0] (p): options "
                  + c[2]
                  + " is smaller than the disk's 4096-byte sectors, and Linux cannot mount such a"
                  + " filesystem from a disk of 4096-byte sectors; use 4096 or leave it out"
                  + System.lineSeparator());
      assertThat(disk).doesNotExist();
    }
  }

  @Test
  void ls_otherContainers_saysWhatTheyAreAndHowToConvert() throws IOException {
    for (String[] c :
        new String[][] {
          {"conectix", "a dynamic VHD"},
          {"vhdxfile", "a VHDX image"},
          {"KDMV\1\0\0\0", "a VMDK image"}
        }) {
      Path image = tmp.resolve("disk.bin");
      byte[] head = new byte[4096];
      byte[] magic = c[0].getBytes(StandardCharsets.ISO_8859_1);
      System.arraycopy(magic, 0, head, 0, magic.length);
      Files.write(image, head);
      Run r = run("ls", image.toString());
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err())
          .isEqualTo(
              "jimg: "
                  + image
                  + ": "
                  + c[1]
                  + "; jimg reads raw disks (and fixed VHDs): qemu-img convert -O raw "
                  + image
                  + " "
                  + image
                  + ".raw"
                  + System.lineSeparator());
    }
  }
}
