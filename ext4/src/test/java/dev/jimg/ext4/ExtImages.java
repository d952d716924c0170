/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.ext4;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jimg.core.io.FileImageChannel;
import dev.jimg.core.progress.ProgressListener;
import dev.jimg.core.repro.BuildClock;
import dev.jimg.core.repro.Identities;
import dev.jimg.core.spi.FilesystemWriter;
import dev.jimg.core.spi.Filesystems;
import dev.jimg.core.spi.WriteContext;
import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.Extent;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import dev.jimg.testdata.LoopMount;
import dev.jimg.testdata.SeededContent;
import dev.jimg.testdata.TreeManifest;
import dev.jimg.testdata.TreeManifestAssert;
import dev.jimg.testdata.Validators;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Test helpers: write a tree to an image file, judge it with e2fsck and the kernel. */
final class ExtImages {
  static final UUID SEED = UUID.fromString("6a0c1d2e-3f40-4152-8364-758697a8b9ca");

  private ExtImages() {}

  static WriteContext context(FileTree tree) throws Exception {
    return new WriteContext(
        BuildClock.from(Optional.empty(), Map.of(), tree), Identities.fromSeed(SEED));
  }

  static FilesystemWriter writer(String type, Map<String, String> options, FileTree tree)
      throws Exception {
    return Filesystems.installed().writer(type, options, context(tree));
  }

  /** Writes {@code tree} as {@code type} into {@code image} (planned size unless given). */
  static Path write(String type, Map<String, String> options, FileTree tree, Path image)
      throws Exception {
    FilesystemWriter w = writer(type, options, tree);
    long size = w.plan(tree);
    try (FileImageChannel ch = FileImageChannel.create(image)) {
      ch.setSize(size);
      w.write(tree, ch, ProgressListener.NONE);
    }
    return image;
  }

  /** e2fsck -fn is silent, and the kernel's view of the image equals the tree. */
  static void assertCleanAndMountsAs(Path image, FileTree tree, boolean lostFoundAdded) {
    Validators.e2fsckClean(image);
    Validators.requireLoopMount();
    try (LoopMount m = LoopMount.mount(image)) {
      TreeManifest actual = TreeManifest.ofHostDirectory(m.root());
      if (lostFoundAdded) {
        assertThat(actual.get(ImagePath.of("lost+found"))).isNotNull();
        actual = actual.without("lost+found");
      }
      TreeManifestAssert.assertThat(actual).matches(tree);
    }
  }

  static void deleteTree(Path dir) throws java.io.IOException {
    try (var walk = java.nio.file.Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        java.nio.file.Files.deleteIfExists(p);
      }
    }
  }

  /**
   * Whether a time of the tree falls in 2310-04-04..2378-04-22, which e2fsck (before the year 2242)
   * takes for a mis-encoded pre-1970 time and which the writer therefore refuses.
   */
  static boolean hasE2fsckSuspectTime(FileTree tree) {
    for (var e : tree) {
      Entry en = e.getValue();
      if (en.type() == EntryType.HARDLINK) {
        continue;
      }
      for (Timestamp x :
          List.of(en.mtime(), en.atime().orElse(en.mtime()), en.ctime().orElse(en.mtime()))) {
        if (x.seconds() >= Inode.E2FSCK_SUSPECT_MIN && x.seconds() <= Inode.E2FSCK_SUSPECT_MAX) {
          return true;
        }
      }
    }
    return false;
  }

  static Timestamp t(long seconds, int nanos) {
    return new Timestamp(seconds, nanos);
  }

  /** A tree with one of everything ext4 holds. */
  static FileTree everything() throws Exception {
    FileTreeBuilder b = new FileTreeBuilder();
    b.put(ImagePath.ROOT, dir(0755, t(1_600_000_000L, 123_456_789)).build());
    b.put(ImagePath.of("etc"), dir(0750, t(-1_000_000L, 5)).uid(70_000).gid(80_000).build());
    b.put(
        ImagePath.of("etc/hostname"),
        file(0644, t(2_000_000_000L, 999_999_999), Content.ofBytes(bytes("jimg\n"))).build());
    b.put(ImagePath.of("etc/empty"), file(04755, t(0, 0), Content.ofBytes(new byte[0])).build());
    b.put(
        ImagePath.of("big"),
        file(0600, t(5_000_000_000L, 1), SeededContent.dense(300_000, 7, SeededContent.Fill.RANDOM))
            .xattr("user.small", bytes("v"))
            .xattr("user.large", new byte[600])
            .xattr("trusted.t", bytes("trusted value"))
            .xattr(
                "security.capability",
                new byte[] {1, 0, 0, 2, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
            .build());
    List<Extent> ex = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      ex.add(new Extent(i * 40_960L + 100, 5_000));
    }
    b.put(
        ImagePath.of("sparse-many"),
        file(
                0644,
                t(1_700_000_000L, 0),
                SeededContent.sparse(400_000, 3, SeededContent.Fill.TEXT, ex))
            .build());
    b.put(
        ImagePath.of("hole-only"),
        file(0644, t(1_700_000_000L, 0), Content.zeros(10_000_000)).build());
    b.put(
        ImagePath.of("fast"),
        Entry.builder(EntryType.SYMLINK)
            .mode(0777)
            .symlinkTarget(bytes("etc/hostname"))
            .mtime(t(1, 2))
            .build());
    b.put(
        ImagePath.of("slow"),
        Entry.builder(EntryType.SYMLINK)
            .mode(0777)
            .symlinkTarget(bytes("x".repeat(59 + 1) + "/" + "y".repeat(200)))
            .mtime(t(3, 4))
            .build());
    b.put(
        ImagePath.of("fast59"),
        Entry.builder(EntryType.SYMLINK)
            .mode(0777)
            .symlinkTarget(bytes("z".repeat(59)))
            .mtime(t(3, 4))
            .build());
    b.put(ImagePath.of("etc/hardlink"), Entry.hardlink(ImagePath.of("etc/hostname")));
    b.put(ImagePath.of("hardlink2"), Entry.hardlink(ImagePath.of("etc/hostname")));
    b.put(ImagePath.of("dev"), dir(0755, t(10, 0)).build());
    b.put(
        ImagePath.of("dev/null"),
        Entry.builder(EntryType.CHAR_DEVICE).mode(0666).device(1, 3).mtime(t(10, 0)).build());
    b.put(
        ImagePath.of("dev/big"),
        Entry.builder(EntryType.BLOCK_DEVICE)
            .mode(0660)
            .device(259, 70_000)
            .mtime(t(10, 0))
            .build());
    b.put(
        ImagePath.of("dev/fifo"),
        Entry.builder(EntryType.FIFO).mode(0600).mtime(t(10, 0)).uid(1).gid(2).build());
    b.put(
        ImagePath.of("dev/sock"),
        Entry.builder(EntryType.SOCKET).mode(0755).mtime(t(10, 0)).build());
    b.put(
        ImagePath.of("acl"),
        file(0640, t(20, 0), Content.ofBytes(bytes("acl")))
            .xattr("system.posix_acl_access", acl())
            .build());
    for (String name : List.of("shared-xattrs-1", "shared-xattrs-2")) {
      b.put(
          ImagePath.of(name),
          file(0644, t(40, 0), Content.ofBytes(bytes(name)))
              .xattr("user.big", new byte[900])
              .xattr("user.other", bytes("same"))
              .build());
    }
    b.put(ImagePath.of("dev/sub"), dir(01777, t(10, 0)).xattr("user.dir", bytes("d")).build());
    return b.build();
  }

  /** user::rw-, user:1000:r--, group::r--, mask::r--, other::--- in the xattr (v2) form. */
  static byte[] acl() {
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.allocate(4 + 5 * 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.putInt(2);
    int[][] e = {{0x01, 6, -1}, {0x02, 4, 1000}, {0x04, 4, -1}, {0x10, 4, -1}, {0x20, 0, -1}};
    for (int[] x : e) {
      b.putShort((short) x[0]).putShort((short) x[1]).putInt(x[2]);
    }
    return b.array();
  }

  static Entry.Builder dir(int mode, Timestamp mtime) {
    return Entry.builder(EntryType.DIRECTORY).mode(mode).mtime(mtime);
  }

  static Entry.Builder file(int mode, Timestamp mtime, Content c) {
    return Entry.builder(EntryType.REGULAR).mode(mode).mtime(mtime).content(c);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
