/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.ext4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jimg.core.CorruptInputException;
import dev.jimg.core.UnsupportedEntryException;
import dev.jimg.core.io.FileImageChannel;
import dev.jimg.core.io.MemoryImageChannel;
import dev.jimg.core.spi.Filesystems;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.testdata.Exec;
import dev.jimg.testdata.HostTree;
import dev.jimg.testdata.LoopMount;
import dev.jimg.testdata.Tool;
import dev.jimg.testdata.TreeManifest;
import dev.jimg.testdata.TreeManifestAssert;
import dev.jimg.testdata.Validators;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
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
    "'-t ext4 -O large_dir,casefold'",
    "-t ext4 -O inline_data",
    "-t ext4 -O inline_data -I 512",
    "'-t ext4 -b 1024 -g 1024 -O meta_bg,^resize_inode'",
    "'-t ext4 -g 8192 -O meta_bg,^resize_inode,^sparse_super'",
    "-t ext4 -O encrypt",
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
      // mke2fs -d keeps whole seconds only and not the root's own times. With inline_data,
      // mke2fs 1.47.0 cuts a sparse file short in the image itself (the kernel reads the same
      // shorter file), so that file is left out there.
      TreeManifest source = TreeManifest.ofHostDirectory(dir);
      TreeManifest read = TreeManifest.of(back).without("lost+found");
      if (mke2fsOptions.contains("inline_data")) {
        source = source.without("sparse-many");
        read = read.without("sparse-many");
      }
      TreeManifestAssert.assertThat(read).ignoring(TreeManifest.Column.MTIME).matches(source);
    }
  }

  /**
   * An 8 MiB ext4 (1 KiB blocks) with inline_data whose /tail directory, /hundred file and
   * /long-link symlink keep their data in the inode past i_block, in the system.data xattr of the
   * inode body. mke2fs -d moves a directory out to a block as soon as i_block is full, and the
   * kernel puts a symlink of over 59 bytes in a block, so mke2fs writes the symlink and the kernel
   * the directory entries and the file.
   */
  private Path inlineDataImage(String features) throws IOException {
    Path debugfs = Validators.require(Tool.DEBUGFS);
    Validators.requireRoot();
    Path dir = tmp.resolve("src-" + features);
    Files.createDirectories(dir.resolve("tail"));
    Files.write(dir.resolve("sixty"), new byte[60]);
    Files.createFile(dir.resolve("empty"));
    Files.createSymbolicLink(dir.resolve("long-link"), Path.of("t".repeat(90)));
    Path image = tmp.resolve("inline-" + features + ".img");
    mke2fs8M(features, dir, image);
    try (LoopMount rw = LoopMount.of(image).option("rw").mount()) {
      for (int i = 0; i < 5; i++) {
        Files.writeString(rw.root().resolve("tail/entry-" + i), "x" + i);
      }
      byte[] hundred = new byte[100];
      for (int i = 0; i < hundred.length; i++) {
        hundred[i] = (byte) (i * 7 + 1);
      }
      Files.write(rw.root().resolve("hundred"), hundred);
    }
    for (String inInode : INLINE_PATHS) {
      String stat = Exec.run(debugfs.toString(), "-R", "stat " + inInode, image.toString()).text();
      assertThat(stat)
          .as(inInode)
          .contains("Flags: 0x10000000")
          .containsPattern("Size: (6[1-9]|[7-9][0-9]|1[0-9][0-9])\\b");
    }
    return image;
  }

  /** {@code mke2fs -t ext4 -O FEATURES -d DIR IMAGE 8M}. */
  private static void mke2fs8M(String features, Path dir, Path image) {
    Path mke2fs = Validators.require(Tool.MKE2FS);
    Exec.run(
            mke2fs.toString(),
            "-q",
            "-t",
            "ext4",
            "-O",
            features,
            "-d",
            dir.toString(),
            image.toString(),
            "8M")
        .requireOk();
  }

  private static final List<String> INLINE_PATHS = List.of("/tail", "/hundred", "/long-link");

  /** inline_data: what the reader reads equals what the kernel shows. */
  @Test
  void read_inlineData_dataInIblockAndInTheSystemDataXattrAsTheKernelSeesIt() throws Exception {
    Path image = inlineDataImage("inline_data");
    try (FileImageChannel ch = FileImageChannel.openReadOnly(image);
        LoopMount ro = LoopMount.mount(image)) {
      FileTree back = new Ext4Reader().read(ch);
      TreeManifestAssert.assertThat(TreeManifest.of(back).without("lost+found"))
          .matches(TreeManifest.ofHostDirectory(ro.root()).without("lost+found"));
      assertThat(back.get(ImagePath.of("hundred")).xattrs()).isEmpty();
    }
  }

  /**
   * Every byte of the inline inodes flipped (without metadata_csum, so that the parser, not a
   * checksum, meets the damage): a tree with every file readable, or a CorruptInputException (an
   * UnsupportedEntryException where the flip marks an inode encrypted).
   */
  @Test
  void read_inlineDataInodeBytesFlipped_treeOrCorruptInput() throws Exception {
    Path image = inlineDataImage("inline_data,^metadata_csum");
    byte[] clean = Files.readAllBytes(image);
    List<String> failures = new ArrayList<>();
    for (String path : INLINE_PATHS) {
      long at = inodeOffset(image, path, 1024);
      for (int i = 0; i < 256; i++) {
        for (int mask : new int[] {0x01, 0x80, 0xFF}) {
          MemoryImageChannel ch = new MemoryImageChannel();
          ch.write(ByteBuffer.wrap(clean), 0);
          ByteBuffer b = ByteBuffer.allocate(1);
          ch.readFully(b, at + i);
          ch.write(ByteBuffer.wrap(new byte[] {(byte) (b.get(0) ^ mask)}), at + i);
          try {
            FileTree t = new Ext4Reader().read(ch);
            for (var e : t) {
              if (e.getValue().content() != null) {
                // the first bytes: a flipped size may make a file of gigabytes (zeros past the
                // inode), more than a memory image holds
                long n = Math.min(e.getValue().size(), 4096);
                e.getValue().content().copyFully(0, n, new MemoryImageChannel(), 0, e.getKey());
              }
            }
          } catch (CorruptInputException | UnsupportedEntryException expected) {
            // a typed error is fine (a flipped flag may mark an inode encrypted)
          } catch (Exception | StackOverflowError e) {
            failures.add(path + " byte " + i + " ^" + mask + ": " + e);
          }
        }
      }
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void read_mke2fsImageWithAFeatureNotRead_refusedByName() throws Exception {
    Path mke2fs = Validators.require(Tool.MKE2FS);
    Path image = tmp.resolve("f.img");
    Exec.run(mke2fs.toString(), "-q", "-t", "ext4", "-O", "ea_inode", image.toString(), "8M")
        .requireOk();
    try (FileImageChannel ch = FileImageChannel.openReadOnly(image)) {
      assertThatThrownBy(() -> new Ext4Reader().read(ch))
          .isInstanceOf(CorruptInputException.class)
          .hasMessageContaining("unsupported incompatible features ea_inode;");
    }
    assertThat(Ext4Reader.incompatNames(0x400 | 0x400000)).isEqualTo("ea_inode, 0x400000");
  }

  /** An encrypted (fscrypt) directory is refused by path; the rest of such a filesystem reads. */
  @Test
  void read_encryptedDirectory_refusedByPath() throws Exception {
    Path debugfs = Validators.require(Tool.DEBUGFS);
    Validators.requireRoot();
    Path dir = tmp.resolve("src");
    Files.createDirectories(dir.resolve("secret"));
    Files.writeString(dir.resolve("secret/a"), "a");
    Path image = tmp.resolve("enc.img");
    mke2fs8M("encrypt", dir, image);
    try (FileImageChannel ch = FileImageChannel.openReadOnly(image)) {
      assertThat(new Ext4Reader().read(ch).contains(ImagePath.of("secret/a"))).isTrue();
    }
    Exec.run(
            debugfs.toString(),
            "-w",
            "-R",
            "set_inode_field /secret flags 0x80800",
            image.toString())
        .requireOk();
    try (FileImageChannel ch = FileImageChannel.openReadOnly(image)) {
      assertThatThrownBy(() -> new Ext4Reader().read(ch))
          .isInstanceOf(UnsupportedEntryException.class)
          .hasMessageContaining("/secret is an encrypted directory (fscrypt)");
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
