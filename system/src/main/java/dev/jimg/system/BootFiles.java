/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.system;

import dev.jimg.core.CorruptInputException;
import dev.jimg.core.JimgException;
import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.ImagePath;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Finds the kernel, initrd and boot loader of a root tree (or takes them from host files), as a
 * {@code boot:} section names them.
 */
final class BootFiles {
  static final ImagePath BOOT = ImagePath.of("boot");
  static final String KERNEL_PREFIX = "vmlinuz-";
  static final String INITRD_PREFIX = "initrd.img-";
  static final ImagePath SYSTEMD_BOOT_DIR = ImagePath.of("usr/lib/systemd/boot/efi");
  private static final int PE_HEAD = 4096;

  /** A file to copy into the ESP: where it came from (for messages) and its bytes. */
  record BootFile(String origin, Content content) {}

  private BootFiles() {}

  /**
   * The kernel: the newest {@code boot/vmlinuz-VERSION} (versions compared as dpkg's natural order
   * of digit runs), a {@code root:} path, or a host file.
   *
   * @return the file and its version (the name after {@code vmlinuz-}, empty if it has none)
   */
  static BootFile kernel(String spec, FileTree tree) throws IOException {
    if (spec.equals(SystemSpecParser.AUTO)) {
      List<ImagePath> kernels = new ArrayList<>();
      if (tree.contains(BOOT)) {
        for (ImagePath p : tree.children(BOOT)) {
          if (p.nameString().startsWith(KERNEL_PREFIX) && isFile(tree, p)) {
            kernels.add(p);
          }
        }
      }
      if (kernels.isEmpty()) {
        throw new JimgException(
            "boot.kernel: the root tree has no kernel (boot/vmlinuz-*); install one (Debian:"
                + " linux-image-amd64 in the root sources) or give kernel: PATH");
      }
      kernels.sort(Comparator.comparing(p -> version(p.nameString()), BootFiles::compareVersions));
      ImagePath newest = kernels.get(kernels.size() - 1);
      return new BootFile("/" + newest, tree.resolve(newest).content());
    }
    return named("boot.kernel", spec, tree);
  }

  /** The version in a kernel file name ({@code vmlinuz-6.1.0-26-amd64} gives 6.1.0-26-amd64). */
  static String version(String fileName) {
    int at = fileName.lastIndexOf('/');
    String name = fileName.substring(at + 1);
    return name.startsWith(KERNEL_PREFIX) ? name.substring(KERNEL_PREFIX.length()) : "";
  }

  /** The initrd for {@code kernel}, or empty for {@code none}. */
  static Optional<BootFile> initrd(String spec, BootFile kernel, FileTree tree) throws IOException {
    if (spec.equals(SystemSpecParser.NONE)) {
      return Optional.empty();
    }
    if (spec.equals(SystemSpecParser.AUTO)) {
      String version = version(kernel.origin());
      if (version.isEmpty() || !kernel.origin().startsWith("/")) {
        throw new JimgException(
            "boot.initrd: cannot tell which initrd goes with the kernel "
                + kernel.origin()
                + "; give initrd: PATH (or none)");
      }
      ImagePath p = BOOT.child(INITRD_PREFIX + version);
      if (!isFile(tree, p)) {
        throw new JimgException(
            "boot.initrd: the root tree has no /"
                + p
                + " for kernel "
                + version
                + " (Debian makes one when initramfs-tools is installed); give initrd: PATH, or"
                + " initrd: none for a kernel that needs none");
      }
      return Optional.of(new BootFile("/" + p, tree.resolve(p).content()));
    }
    return Optional.of(named("boot.initrd", spec, tree));
  }

  /**
   * The boot loader: systemd-boot from the root tree or from a .deb's tree, or a host file; and its
   * architecture from its PE header.
   *
   * @param debTree the data tree of {@code spec} when it is a .deb, else null
   */
  static BootFile loader(String spec, FileTree rootTree, FileTree debTree) throws IOException {
    if (spec.equals(SystemSpecParser.SYSTEMD_BOOT) || debTree != null) {
      FileTree tree = debTree != null ? debTree : rootTree;
      String where = debTree != null ? spec : "the root tree";
      List<ImagePath> found = new ArrayList<>();
      if (tree.contains(SYSTEMD_BOOT_DIR)) {
        for (ImagePath p : tree.children(SYSTEMD_BOOT_DIR)) {
          String n = p.nameString();
          if (n.startsWith("systemd-boot") && n.endsWith(".efi") && isFile(tree, p)) {
            found.add(p);
          }
        }
      }
      if (found.isEmpty()) {
        throw new JimgException(
            "boot.loader: "
                + where
                + " has no systemd-boot (/"
                + SYSTEMD_BOOT_DIR
                + "/systemd-boot*.efi); add the systemd-boot-efi package to the root sources, or"
                + " give loader: systemd-boot-efi_VERSION_amd64.deb or a path to the .efi file");
      }
      if (found.size() > 1) {
        throw new JimgException(
            "boot.loader: "
                + where
                + " has systemd-boot for several architectures ("
                + found
                + "); give loader: PATH to the one to boot");
      }
      return new BootFile(
          (debTree != null ? spec + ":" : "") + "/" + found.get(0),
          tree.resolve(found.get(0)).content());
    }
    return hostFile("boot.loader", Path.of(spec));
  }

  /** The architecture of a loader, from its PE header. */
  static EfiArchitecture architecture(BootFile loader) throws IOException {
    try (InputStream in = loader.content().open()) {
      return EfiArchitecture.ofPeImage(in.readNBytes(PE_HEAD), loader.origin());
    }
  }

  /**
   * The architecture of a kernel with an EFI stub (a PE/COFF image, as Debian's x86-64 and arm64
   * kernels are), or empty for other kernel images.
   */
  static Optional<EfiArchitecture> kernelArchitecture(BootFile kernel) throws IOException {
    byte[] head;
    try (InputStream in = kernel.content().open()) {
      head = in.readNBytes(PE_HEAD);
    }
    try {
      return Optional.of(EfiArchitecture.ofPeImage(head, kernel.origin()));
    } catch (CorruptInputException notPe) {
      return Optional.empty();
    }
  }

  /** The {@code PRETTY_NAME} of the tree's os-release, if it has one. */
  static Optional<String> prettyName(FileTree tree) throws IOException {
    for (String candidate : List.of("etc/os-release", "usr/lib/os-release")) {
      ImagePath p = ImagePath.of(candidate);
      if (!isFile(tree, p) || tree.resolve(p).size() > 1 << 16) {
        continue;
      }
      String text;
      try (InputStream in = tree.resolve(p).content().open()) {
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      for (String line : text.split("\n")) {
        if (line.startsWith("PRETTY_NAME=")) {
          String v = line.substring("PRETTY_NAME=".length()).trim();
          if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'')) {
            v = v.substring(1, v.length() - 1);
          }
          if (!v.isBlank()) {
            return Optional.of(v);
          }
        }
      }
    }
    return Optional.empty();
  }

  private static BootFile named(String key, String spec, FileTree tree) throws IOException {
    if (spec.startsWith(SystemSpecParser.ROOT_PREFIX)) {
      String inTree = spec.substring(SystemSpecParser.ROOT_PREFIX.length());
      ImagePath p = ImagePath.of(inTree.startsWith("/") ? inTree.substring(1) : inTree);
      if (!isFile(tree, p)) {
        throw new JimgException(key + ": the root tree has no regular file /" + p);
      }
      return new BootFile("/" + p, tree.resolve(p).content());
    }
    return hostFile(key, Path.of(spec));
  }

  private static BootFile hostFile(String key, Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new JimgException(key + ": " + file + " does not exist or is not a regular file");
    }
    return new BootFile(file.toString(), Content.ofFile(file, Files.size(file)));
  }

  private static boolean isFile(FileTree tree, ImagePath p) {
    if (!tree.contains(p)) {
      return false;
    }
    Entry e = tree.resolve(p);
    return e.type() == EntryType.REGULAR;
  }

  /**
   * Compares versions as runs of digits (numerically) and of other characters (by char), so
   * 6.1.0-10 sorts after 6.1.0-9.
   */
  static int compareVersions(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      char ca = a.charAt(i);
      char cb = b.charAt(j);
      if (Character.isDigit(ca) && Character.isDigit(cb)) {
        int si = i;
        int sj = j;
        while (i < a.length() && Character.isDigit(a.charAt(i))) {
          i++;
        }
        while (j < b.length() && Character.isDigit(b.charAt(j))) {
          j++;
        }
        String na = a.substring(si, i).replaceFirst("^0+(?=.)", "");
        String nb = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
        int c =
            na.length() != nb.length()
                ? Integer.compare(na.length(), nb.length())
                : na.compareTo(nb);
        if (c != 0) {
          return c;
        }
      } else {
        if (ca != cb) {
          return Character.compare(ca, cb);
        }
        i++;
        j++;
      }
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
