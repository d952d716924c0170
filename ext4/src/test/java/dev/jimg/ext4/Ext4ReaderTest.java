/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.ext4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jimg.core.CorruptInputException;
import dev.jimg.core.io.FileImageChannel;
import dev.jimg.core.spi.Filesystems;
import dev.jimg.core.tree.FileTree;
import dev.jimg.testdata.Exec;
import dev.jimg.testdata.HostTree;
import dev.jimg.testdata.Tool;
import dev.jimg.testdata.TreeManifest;
import dev.jimg.testdata.TreeManifestAssert;
import dev.jimg.testdata.Validators;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Ext4ReaderTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @CsvSource({"ext4,4096", "ext3,4096", "ext2,1024", "ext4,1024"})
  void read_ownImage_givesTheTreeBack(String type, String blockSize) throws Exception {
    FileTree tree = ExtImages.everything();
    Path image = ExtImages.write(type, Map.of("block-size", blockSize), tree, tmp.resolve("a.img"));
    try (FileImageChannel ch = FileImageChannel.openReadOnly(image)) {
      assertThat(Filesystems.installed().probe(ch)).isPresent();
      FileTree back = new Ext4Reader().read(ch);
      TreeManifestAssert.assertThat(TreeManifest.of(back).without("lost+found")).matches(tree);
    }
  }

  @ParameterizedTest
  @CsvSource({
    "-t ext4",
    "-t ext4 -O metadata_csum_seed",
    "-t ext4 -b 1024 -O ^metadata_csum",
    "-t ext4 -I 128",
    "-t ext4 -O bigalloc -C 16384",
    "-t ext4 -O large_dir,casefold",
    "-t ext3",
    "-t ext2 -b 1024"
  })
  void read_mke2fsImage_givesTheDirectoryTree(String mke2fsOptions) throws Exception {
    Path mke2fs = Validators.require(Tool.MKE2FS);
    Validators.requireRoot();
    FileTree tree = ExtImages.everything();
    Path dir = tmp.resolve("src");
    HostTree.write(tree, dir);
    Path image = tmp.resolve("m.img");
    List<String> command = new ArrayList<>(List.of(mke2fs.toString(), "-q"));
    command.addAll(List.of(mke2fsOptions.split(" ")));
    command.addAll(List.of("-d", dir.toString(), image.toString(), "64M"));
    Exec.run(command).requireOk();
    try (FileImageChannel ch = FileImageChannel.openReadOnly(image)) {
      FileTree back = new Ext4Reader().read(ch);
      // mke2fs -d keeps whole seconds only and not the root's own times
      TreeManifestAssert.assertThat(TreeManifest.of(back).without("lost+found"))
          .ignoring(TreeManifest.Column.MTIME)
          .matches(TreeManifest.ofHostDirectory(dir));
    }
  }

  @Test
  void read_badMagic_throwsCorruptInput() throws Exception {
    Path image = ExtImages.write("ext4", Map.of(), ExtImages.everything(), tmp.resolve("a.img"));
    try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
      f.seek(Superblock.OFFSET + Superblock.S_MAGIC);
      f.write(0);
    }
    try (FileImageChannel ch = FileImageChannel.openReadOnly(image)) {
      assertThatThrownBy(() -> new Ext4Reader().read(ch))
          .isInstanceOf(CorruptInputException.class)
          .hasMessageContaining("magic");
    }
  }

  @Test
  void read_flippedSuperblockByte_failsChecksum() throws Exception {
    Path image = ExtImages.write("ext4", Map.of(), ExtImages.everything(), tmp.resolve("a.img"));
    try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
      f.seek(Superblock.OFFSET + Superblock.S_VOLUME_NAME);
      f.write('x');
    }
    try (FileImageChannel ch = FileImageChannel.openReadOnly(image)) {
      assertThatThrownBy(() -> new Ext4Reader().read(ch))
          .isInstanceOf(CorruptInputException.class)
          .hasMessageContaining("checksum");
    }
  }

  @Test
  void read_damagedInode_failsItsChecksum() throws Exception {
    Path image = ExtImages.write("ext4", Map.of(), ExtImages.everything(), tmp.resolve("a.img"));
    long at = inodeOffset(image, "/etc/hostname");
    patch(image, at + Inode.I_MTIME, (byte) 0x55);
    try (FileImageChannel ch = FileImageChannel.openReadOnly(image)) {
      assertThatThrownBy(() -> new Ext4Reader().read(ch))
          .isInstanceOf(CorruptInputException.class)
          .hasMessageContaining("checksum of inode")
          .hasMessageContaining("at byte " + (at + Inode.L_I_CHECKSUM_LO));
    }
  }

  @Test
  void read_damagedDirectoryBlock_failsItsChecksum() throws Exception {
    Path image = ExtImages.write("ext4", Map.of(), ExtImages.everything(), tmp.resolve("a.img"));
    long block = firstBlock(image, "/dev");
    patch(image, block * 4096 + 12 + 8, (byte) ','); // the first byte of ".." becomes ","
    try (FileImageChannel ch = FileImageChannel.openReadOnly(image)) {
      assertThatThrownBy(() -> new Ext4Reader().read(ch))
          .isInstanceOf(CorruptInputException.class)
          .hasMessageContaining("checksum of a block of directory inode");
    }
  }

  @Test
  void read_directoryThatContainsItsParent_failsAsALoop() throws Exception {
    Path image =
        ExtImages.write(
            "ext4",
            Map.of("features", "-metadata_csum"),
            ExtImages.everything(),
            tmp.resolve("a.img"));
    // the root's entry "dev" is made to name inode 2, the root itself
    long block = firstBlock(image, "/");
    byte[] dir = readBlock(image, block, 4096);
    int at = 0;
    while (!(dir[at + 6] == 3 && dir[at + 8] == 'd' && dir[at + 9] == 'e' && dir[at + 10] == 'v')) {
      at += (dir[at + 4] & 0xFF) | (dir[at + 5] & 0xFF) << 8;
    }
    patch(image, block * 4096 + at, (byte) 2);
    patch(image, block * 4096 + at + 1, (byte) 0);
    try (FileImageChannel ch = FileImageChannel.openReadOnly(image)) {
      assertThatThrownBy(() -> new Ext4Reader().read(ch))
          .isInstanceOf(CorruptInputException.class)
          .hasMessageContaining("/dev is directory inode 2 again: a loop");
    }
  }

  @Test
  void read_twoDirectoriesSharingABlock_corruptAsCrossLinked() throws Exception {
    Path image =
        ExtImages.write(
            "ext2", Map.of("block-size", "1024"), ExtImages.everything(), tmp.resolve("a.img"));
    // /dev/sub's first block pointer is made to name /etc's first block
    long etcBlock = firstBlock(image, "/etc");
    long sub = inodeOffset(image, "/dev/sub", 1024);
    for (int i = 0; i < 4; i++) {
      patch(image, sub + Inode.I_BLOCK + i, (byte) (etcBlock >>> (8 * i)));
    }
    try (FileImageChannel ch = FileImageChannel.openReadOnly(image)) {
      assertThatThrownBy(() -> new Ext4Reader().read(ch))
          .isInstanceOf(CorruptInputException.class)
          .hasMessageContaining("belongs to another directory too (cross-linked)");
    }
  }

  @Test
  void read_nameWithSlash_corruptNotUnchecked() throws Exception {
    Path image =
        ExtImages.write(
            "ext2", Map.of("block-size", "1024"), ExtImages.everything(), tmp.resolve("a.img"));
    long block = firstBlock(image, "/etc");
    byte[] dir = readBlock(image, block, 1024);
    int name = new String(dir, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("hostname");
    patch(image, block * 1024 + name + 4, (byte) '/');
    try (FileImageChannel ch = FileImageChannel.openReadOnly(image)) {
      assertThatThrownBy(() -> new Ext4Reader().read(ch))
          .isInstanceOf(CorruptInputException.class)
          .hasMessageContaining("directory /etc has an entry of invalid name");
    }
  }

  /** Where debugfs says the inode of {@code path} is, in an image of 4 KiB blocks. */
  private static long inodeOffset(Path image, String path) {
    return inodeOffset(image, path, 4096);
  }

  /** Where debugfs says the inode of {@code path} is, in an image of {@code blockSize} blocks. */
  private static long inodeOffset(Path image, String path, int blockSize) {
    String out =
        Exec.run(
                Validators.require(Tool.DEBUGFS).toString(), "-R", "imap " + path, image.toString())
            .requireOk()
            .text();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("located at block (\\d+), offset 0x([0-9a-f]+)")
            .matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return Long.parseLong(m.group(1)) * blockSize + Long.parseLong(m.group(2), 16);
  }

  /** The first data block of {@code path}, as debugfs lists it (after its banner line). */
  private static long firstBlock(Path image, String path) {
    String out =
        Exec.run(
                Validators.require(Tool.DEBUGFS).toString(),
                "-R",
                "blocks " + path,
                image.toString())
            .requireOk()
            .text();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^(\\d+)").matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return Long.parseLong(m.group(1));
  }

  /** Block {@code block} of {@code image}, of {@code blockSize} bytes. */
  private static byte[] readBlock(Path image, long block, int blockSize)
      throws java.io.IOException {
    byte[] out = new byte[blockSize];
    try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "r")) {
      f.seek(block * blockSize);
      f.readFully(out);
    }
    return out;
  }

  private static void patch(Path image, long at, byte value) throws java.io.IOException {
    try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
      f.seek(at);
      f.write(value);
    }
  }
}
