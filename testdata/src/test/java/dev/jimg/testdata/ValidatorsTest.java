/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.testdata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class ValidatorsTest {
  @TempDir Path tmp;

  @Test
  void missingMessage_namesToolAndPackage() {
    assertThat(Tool.E2FSCK.missingMessage())
        .isEqualTo("e2fsck not found; apt-get install e2fsprogs");
    assertThat(Tool.SGDISK.missingMessage()).isEqualTo("sgdisk not found; apt-get install gdisk");
  }

  @Test
  void unavailable_default_skipsTest_strict_failsIt() {
    String old = System.getProperty("jimg.requireValidators");
    try {
      System.clearProperty("jimg.requireValidators");
      if (!Validators.strict()) {
        assertThatThrownBy(() -> Validators.unavailable("frob not found; apt-get install frob"))
            .isInstanceOf(TestAbortedException.class)
            .hasMessageContaining("frob not found; apt-get install frob");
      }
      System.setProperty("jimg.requireValidators", "1");
      assertThatThrownBy(() -> Validators.unavailable("frob not found; apt-get install frob"))
          .isInstanceOf(AssertionFailedError.class)
          .hasMessageContaining("frob not found")
          .hasMessageContaining(Validators.REQUIRE_ENV);
    } finally {
      if (old == null) {
        System.clearProperty("jimg.requireValidators");
      } else {
        System.setProperty("jimg.requireValidators", old);
      }
    }
  }

  @Test
  void require_installedTool_returnsExecutable() {
    Path e2fsck = Validators.require(Tool.E2FSCK);

    assertThat(Files.isExecutable(e2fsck)).isTrue();
    assertThat(e2fsck.getFileName()).hasToString("e2fsck");
  }

  @Test
  void judge_unexpectedLine_failsWithWholeOutput() {
    Exec.Result r =
        new Exec.Result(
            List.of("tool", "img"),
            0,
            "header\nsomething odd\n".getBytes(StandardCharsets.UTF_8),
            false);

    assertThatThrownBy(() -> Validators.judge(r, List.of(Pattern.compile("header")), List.of()))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("unexpected line \"something odd\"")
        .hasMessageContaining("warnings are failures")
        .hasMessageContaining("tool img");
  }

  @Test
  void exec_timeout_killsAndReports() {
    Exec.Result r = Exec.run(java.time.Duration.ofMillis(200), null, List.of("sleep", "30"));

    assertThat(r.timedOut()).isTrue();
    assertThat(r.ok()).isFalse();
    assertThatThrownBy(r::requireOk).hasMessageContaining("timed out");
  }

  @Test
  void exec_stdinAndCombinedOutput() {
    Exec.Result r =
        Exec.run(
            java.time.Duration.ofSeconds(10),
            "in".getBytes(StandardCharsets.UTF_8),
            List.of("sh", "-c", "cat; echo err >&2; exit 3"));

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.text()).contains("in").contains("err");
  }

  // ------------------------------------------------------------ e2fsck

  private Path ext4(String name) {
    Path img = tmp.resolve(name);
    Exec.run(Validators.require(Tool.MKE2FS).toString(), "-q", "-t", "ext4", img.toString(), "4M")
        .requireOk();
    return img;
  }

  @Test
  void e2fsckClean_freshMke2fs_passes() {
    Exec.Result r = Validators.e2fsckClean(ext4("e.img"));

    assertThat(r.text()).contains("Pass 5");
  }

  @Test
  void e2fsckClean_wrongFreeBlocksCount_failsAlthoughExitIsZero() {
    Path img = ext4("e.img");
    Exec.run(
            Validators.require(Tool.DEBUGFS).toString(),
            "-w",
            "-R",
            "ssv free_blocks_count 7",
            img.toString())
        .requireOk();

    assertThatThrownBy(() -> Validators.e2fsckClean(img))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Free blocks count wrong");
  }

  @Test
  void dumpe2fsHeader_and_debugfs_readFields() {
    Path img = ext4("e.img");

    Map<String, String> h = Validators.dumpe2fsHeader(img);

    assertThat(h).containsEntry("Block size", "1024").containsKey("Filesystem features");
    assertThat(h.get("Filesystem features")).contains("extent");
    assertThat(Validators.debugfs(img, "stat /lost+found")).contains("Type: directory");
  }

  // ------------------------------------------------------------ FAT

  private Path fat(String name) {
    Path img = tmp.resolve(name);
    Exec.run(Validators.require(Tool.MKFS_FAT).toString(), "-C", img.toString(), "4096")
        .requireOk();
    return img;
  }

  @Test
  void fsckFatClean_freshMkfs_passes() {
    Validators.fsckFatClean(fat("f.img"));
  }

  @Test
  void fsckFatClean_fatsDiffer_fails() throws IOException {
    Path img = fat("f.img");
    try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
      ByteBuffer boot = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
      f.getChannel().read(boot, 0);
      int bytesPerSector = boot.getShort(11) & 0xFFFF;
      int reserved = boot.getShort(14) & 0xFFFF;
      int fatSectors = boot.getShort(22) & 0xFFFF;
      f.seek((long) (reserved + fatSectors) * bytesPerSector + 6);
      f.write(new byte[] {(byte) 0xff, (byte) 0xff});
    }

    assertThatThrownBy(() -> Validators.fsckFatClean(img))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("FATs differ");
  }

  @Test
  void mtools_listAndCopyOut() throws IOException {
    Path img = fat("f.img");
    Path src = tmp.resolve("Long File Name.txt");
    Files.writeString(src, "hello");
    Exec.run(
            Validators.require(Tool.MCOPY).toString(),
            "-i",
            img.toString(),
            src.toString(),
            "::/Long File Name.txt")
        .requireOk();

    assertThat(Validators.mdirList(img)).anyMatch(l -> l.endsWith("Long File Name.txt"));
    Validators.mcopyOut(img, "/Long File Name.txt", tmp.resolve("out"));
    assertThat(Files.readString(tmp.resolve("out"))).isEqualTo("hello");
  }

  // ------------------------------------------------------------ GPT

  private Path disk(String name) {
    Path img = tmp.resolve(name);
    Exec.run("truncate", "-s", "10M", img.toString()).requireOk();
    Exec.run(
            Validators.require(Tool.SGDISK).toString(),
            "-n",
            "1:2048:+4M",
            "-c",
            "1:root",
            img.toString())
        .requireOk();
    return img;
  }

  @Test
  void sgdiskClean_freshDisk_passes_andPartitionsAreInBytes() {
    Path img = disk("d.img");

    Validators.sgdiskClean(img);
    List<Validators.Partition> parts = Validators.partitions(img);

    assertThat(parts).hasSize(1);
    assertThat(parts.get(0).number()).isEqualTo(1);
    assertThat(parts.get(0).offset()).isEqualTo(2048L * 512);
    assertThat(parts.get(0).size()).isEqualTo(4L << 20);
    assertThat(parts.get(0).name()).isEqualTo("root");
    assertThat(parts.get(0).type()).isEqualTo("0FC63DAF-8483-4772-8E79-3D69D8477DE4");
    assertThat(Validators.sfdiskJson(img)).contains("\"partitions\"");
    assertThat(Validators.fdiskList(img)).contains("Linux filesystem");
  }

  @Test
  void sgdiskClean_badPartitionTableCrc_failsAlthoughExitIsZero() throws IOException {
    Path img = disk("d.img");
    try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
      f.seek(1024 + 10);
      f.write('X');
    }

    assertThatThrownBy(() -> Validators.sgdiskClean(img))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("CRC");
  }

  // ------------------------------------------------------------ squashfs

  @Test
  void unsquashfs_listAndExtract_matchTheSource() throws IOException {
    Validators.requireRoot();
    // squashfs holds unsigned 32-bit seconds.
    FileTree tree = clampTimes(HostTreeTest.everyType(), 0, 0xFFFF_FFFFL);
    Path src = tmp.resolve("src");
    HostTree.write(tree, src);
    Path img = tmp.resolve("s.sqfs");
    Exec.run(
            Validators.require(Tool.MKSQUASHFS).toString(),
            src.toString(),
            img.toString(),
            "-no-progress",
            "-quiet")
        .requireOk();

    List<String> listing = Validators.unsquashfsList(img);
    Path out = tmp.resolve("out");
    Validators.unsquashfsExtract(img, out);

    assertThat(listing).anyMatch(l -> l.endsWith("squashfs-root/usr/bin/ping"));
    assertThat(Validators.unsquashfsSuperblock(img)).contains("Filesystem size");
    // mksquashfs keeps whole seconds only and not the root's own mtime (VALIDATION.md).
    TreeManifestAssert.assertThat(TreeManifest.ofHostDirectory(out))
        .withMtimeSeconds()
        .ignoringAt(".", TreeManifest.Column.MTIME)
        .matches(tree);
  }

  static FileTree clampTimes(FileTree tree, long min, long max) throws IOException {
    FileTreeBuilder b = new FileTreeBuilder();
    for (Map.Entry<ImagePath, Entry> me : tree) {
      Entry e = me.getValue();
      if (e.type() != EntryType.HARDLINK) {
        long s = Math.max(min, Math.min(max, e.mtime().seconds()));
        e = e.toBuilder().mtime(Timestamp.ofSeconds(s)).build();
      }
      b.put(me.getKey(), e);
    }
    return b.build();
  }

  // ------------------------------------------------------------ qemu-img

  @Test
  void qemuImg_convertedImage_comparesEqual() {
    Path raw = ext4("e.img");
    Path qcow = tmp.resolve("e.qcow2");
    Exec.run(
            Validators.require(Tool.QEMU_IMG).toString(),
            "convert",
            "-O",
            "qcow2",
            raw.toString(),
            qcow.toString())
        .requireOk();

    Validators.qemuImgCheck(qcow);
    Validators.qemuImgCompare(raw, qcow);
    assertThat(Validators.qemuImgInfo(qcow)).contains("\"format\": \"qcow2\"");
  }
}
