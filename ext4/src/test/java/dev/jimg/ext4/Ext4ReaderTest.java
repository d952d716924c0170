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

  @Test
  void read_mke2fsImage_givesTheDirectoryTree() throws Exception {
    Path mke2fs = Validators.require(Tool.MKE2FS);
    Validators.requireRoot();
    FileTree tree = ExtImages.everything();
    Path dir = tmp.resolve("src");
    HostTree.write(tree, dir);
    Path image = tmp.resolve("m.img");
    Exec.run(mke2fs.toString(), "-q", "-t", "ext4", "-d", dir.toString(), image.toString(), "64M")
        .requireOk();
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
}
