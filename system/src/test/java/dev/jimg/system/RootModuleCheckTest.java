/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;
import org.junit.jupiter.api.Test;

class RootModuleCheckTest {
  private static final String V = "6.1.0-10-amd64";

  /** A newc cpio archive holding the named empty files. */
  static byte[] cpio(String... names) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (CpioArchiveOutputStream c = new CpioArchiveOutputStream(out, CpioConstants.FORMAT_NEW)) {
      for (String n : names) {
        CpioArchiveEntry e = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, n, 0);
        e.setMode(CpioConstants.C_ISREG | 0644);
        c.putArchiveEntry(e);
        c.closeArchiveEntry();
      }
    }
    return out.toByteArray();
  }

  static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream g = new GZIPOutputStream(out)) {
      g.write(bytes);
    }
    return out.toByteArray();
  }

  /** Debian's shape: an uncompressed early cpio (microcode), then the gzip-compressed main one. */
  static byte[] debianInitrd(String... modules) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(cpio("kernel/x86/microcode/GenuineIntel.bin"));
    out.write(gzip(cpio(modules)));
    return out.toByteArray();
  }

  private static FileTree tree(String builtin) throws IOException {
    return new FileTreeBuilder()
        .put(
            ImagePath.of("usr/lib/modules/" + V + "/modules.builtin"),
            Entry.file(
                0644, Timestamp.EPOCH, Content.ofBytes(builtin.getBytes(StandardCharsets.UTF_8))))
        .build();
  }

  private static Optional<BootFiles.BootFile> initrd(byte[] bytes) {
    return Optional.of(new BootFiles.BootFile("/boot/initrd.img-" + V, Content.ofBytes(bytes)));
  }

  @Test
  void check_squashfsNeitherBuiltinNorInInitrd_refusedSayingHowToAddIt() throws Exception {
    byte[] initrd = debianInitrd("usr/lib/modules/" + V + "/kernel/fs/ext4/ext4.ko");
    assertThatThrownBy(
            () ->
                RootModuleCheck.check(
                    "squashfs", V, tree("kernel/fs/fat/fat.ko\n"), initrd(initrd)))
        .hasMessageContaining("root.filesystem: the initrd /boot/initrd.img-" + V)
        .hasMessageContaining("has no squashfs module")
        .hasMessageContaining("/etc/initramfs-tools/modules");
  }

  @Test
  void check_moduleInCompressedPartAfterEarlyCpio_accepted() throws Exception {
    byte[] initrd =
        debianInitrd(
            "usr/lib/modules/" + V + "/kernel/fs/ext4/ext4.ko",
            "usr/lib/modules/" + V + "/kernel/fs/squashfs/squashfs.ko");
    assertThatCode(
            () ->
                RootModuleCheck.check(
                    "squashfs", V, tree("kernel/fs/fat/fat.ko\n"), initrd(initrd)))
        .doesNotThrowAnyException();
    assertThat(RootModuleCheck.initrdHas(initrd(initrd).get(), Set.of("squashfs"))).contains(true);
  }

  @Test
  void check_builtIn_acceptedWithoutReadingTheInitrd() throws Exception {
    assertThatCode(
            () ->
                RootModuleCheck.check(
                    "squashfs",
                    V,
                    tree("kernel/fs/squashfs/squashfs.ko\n"),
                    initrd("garbage".getBytes(StandardCharsets.US_ASCII))))
        .doesNotThrowAnyException();
  }

  @Test
  void check_unreadableInitrd_saysNothing() throws Exception {
    assertThatCode(
            () ->
                RootModuleCheck.check(
                    "squashfs",
                    V,
                    tree("kernel/fs/fat/fat.ko\n"),
                    initrd("not an initrd at all".getBytes(StandardCharsets.US_ASCII))))
        .doesNotThrowAnyException();
  }

  @Test
  void check_noModulesBuiltinInTree_saysNothing() throws Exception {
    assertThatCode(() -> RootModuleCheck.check("squashfs", V, FileTree.empty(), Optional.empty()))
        .doesNotThrowAnyException();
  }

  @Test
  void check_noInitrdAndNotBuiltin_refused() throws Exception {
    assertThatThrownBy(
            () ->
                RootModuleCheck.check("ext4", V, tree("kernel/fs/fat/fat.ko\n"), Optional.empty()))
        .hasMessageContaining("boot.initrd is none");
  }

  @Test
  void moduleName_stripsDirectoryAndCompression() {
    assertThat(RootModuleCheck.moduleName("kernel/fs/ext4/ext4.ko.xz")).isEqualTo("ext4");
    assertThat(RootModuleCheck.moduleName("kernel/fs/squashfs/squashfs.ko")).isEqualTo("squashfs");
  }
}
