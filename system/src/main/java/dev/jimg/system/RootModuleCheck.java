/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.system;

import dev.jimg.core.JimgException;
import dev.jimg.core.source.Compression;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.ImagePath;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;

/**
 * Checks before writing that the kernel can mount the root filesystem: its driver is built in
 * ({@code lib/modules/VERSION/modules.builtin} of the root tree) or a module in the initrd.
 * Debian's default initrd, for one, has ext4 but no squashfs; without this check such a disk boots
 * to an initramfs shell after a 30-second wait.
 *
 * <p>The initrd is read as the kernel reads it: uncompressed newc cpio archives (early microcode)
 * followed by a compressed one. When the check cannot know (no modules.builtin, an initrd in a
 * compression jimg does not read), it says nothing.
 */
final class RootModuleCheck {
  private static final int SCAN_LIMIT = 1 << 16;

  private RootModuleCheck() {}

  /** The module names that can mount {@code filesystem}, the usual one first. */
  static List<String> modules(String filesystem) {
    return switch (filesystem) {
      case "squashfs" -> List.of("squashfs");
      case "ext2" -> List.of("ext4", "ext2");
      case "ext3" -> List.of("ext4", "ext3");
      default -> List.of("ext4");
    };
  }

  /**
   * Throws when the root tree shows the kernel {@code version} lacks a built-in driver for {@code
   * filesystem} and the initrd (if any) holds no module for it.
   */
  static void check(
      String filesystem, String version, FileTree tree, Optional<BootFiles.BootFile> initrd)
      throws IOException {
    if (version.isEmpty()) {
      return;
    }
    Optional<String> builtin = builtin(tree, version);
    if (builtin.isEmpty()) {
      return;
    }
    List<String> names = modules(filesystem);
    for (String line : builtin.get().split("\n")) {
      if (names.contains(moduleName(line))) {
        return;
      }
    }
    String module = names.get(0);
    if (initrd.isEmpty()) {
      throw new JimgException(
          "root.filesystem: kernel "
              + version
              + " has "
              + module
              + " as a module, not built in, and boot.initrd is none, so it cannot mount a "
              + filesystem
              + " root; use an initrd that has the module");
    }
    Optional<Boolean> has = initrdHas(initrd.get(), names);
    if (has.isPresent() && !has.get()) {
      throw new JimgException(
          "root.filesystem: the initrd "
              + initrd.get().origin()
              + " has no "
              + module
              + " module and kernel "
              + version
              + " does not build it in, so the kernel cannot mount the "
              + filesystem
              + " root; add it (Debian: echo "
              + module
              + " >> /etc/initramfs-tools/modules; update-initramfs -u, or"
              + " INITRD_MODULES=\""
              + module
              + "\" with debian-rootfs.sh) or use another root filesystem");
    }
  }

  private static Optional<String> builtin(FileTree tree, String version) throws IOException {
    for (String dir : List.of("lib/modules/", "usr/lib/modules/")) {
      ImagePath p = ImagePath.of(dir + version + "/modules.builtin");
      if (tree.contains(p) && tree.resolve(p).type() == EntryType.REGULAR) {
        try (InputStream in = tree.resolve(p).content().open()) {
          return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
      }
    }
    return Optional.empty();
  }

  /** {@code kernel/fs/ext4/ext4.ko.xz} gives {@code ext4}; dashes and underscores are the same. */
  static String moduleName(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1).trim();
    int ko = name.indexOf(".ko");
    return (ko < 0 ? name : name.substring(0, ko)).replace('-', '_');
  }

  private static final Pattern MODULE_PATH =
      Pattern.compile("(^|.*/)lib/modules/[^/]+/.+\\.ko(\\.(xz|zst|gz))?");

  /**
   * Whether the initrd holds one of the modules, or empty when it cannot be read (a compression
   * jimg does not decode, or not cpio).
   */
  static Optional<Boolean> initrdHas(BootFiles.BootFile initrd, Collection<String> names)
      throws IOException {
    try (BufferedInputStream in = new BufferedInputStream(initrd.content().open(), SCAN_LIMIT)) {
      while (true) {
        skipZeros(in);
        in.mark(Compression.MAGIC_LENGTH);
        byte[] head = in.readNBytes(Compression.MAGIC_LENGTH);
        in.reset();
        if (head.length == 0) {
          return Optional.of(false);
        }
        Compression c = Compression.detect(head, head.length);
        boolean cpio =
            new String(head, 0, Math.min(6, head.length), StandardCharsets.US_ASCII)
                .startsWith("07070");
        if (c == Compression.NONE && !cpio) {
          return Optional.empty();
        }
        InputStream archive =
            c == Compression.NONE ? new Unclosed(in) : c.decompress(new Unclosed(in));
        try (CpioArchiveInputStream cpioIn = new CpioArchiveInputStream(archive)) {
          CpioArchiveEntry e;
          while ((e = cpioIn.getNextEntry()) != null) {
            String name = e.getName();
            if (MODULE_PATH.matcher(name).matches() && names.contains(moduleName(name))) {
              return Optional.of(true);
            }
          }
        } catch (IOException | IllegalArgumentException notCpio) {
          return Optional.empty();
        }
        if (c != Compression.NONE) {
          return Optional.of(false);
        }
      }
    }
  }

  private static void skipZeros(BufferedInputStream in) throws IOException {
    while (true) {
      in.mark(1);
      int b = in.read();
      if (b != 0) {
        if (b >= 0) {
          in.reset();
        }
        return;
      }
    }
  }

  /** Keeps the shared stream open when an archive reader over it closes. */
  private static final class Unclosed extends FilterInputStream {
    Unclosed(InputStream in) {
      super(in);
    }

    @Override
    public void close() {
      // the caller closes the underlying stream
    }
  }
}
