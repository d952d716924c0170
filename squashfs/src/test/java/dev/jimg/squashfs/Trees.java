/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.squashfs;

import dev.jimg.core.io.FileImageChannel;
import dev.jimg.core.progress.ProgressListener;
import dev.jimg.core.repro.BuildClock;
import dev.jimg.core.repro.Identities;
import dev.jimg.core.spi.WriteContext;
import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.Extent;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import dev.jimg.testdata.SeededContent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Hand-made trees and a write helper for the squashfs tests. */
final class Trees {
  private Trees() {}

  static final Timestamp T = Timestamp.ofSeconds(1_700_000_000L);

  static Entry file(Content c, int mode) {
    return Entry.builder(EntryType.REGULAR).mode(mode).mtime(T).content(c).build();
  }

  /** Every entry type, hard links, xattrs, sparse files, duplicates, odd names. */
  static FileTree everyType() throws IOException {
    FileTreeBuilder b = FileTree.empty().toBuilder();
    b.put(
        ImagePath.ROOT,
        Entry.builder(EntryType.DIRECTORY)
            .mode(0755)
            .mtime(Timestamp.ofSeconds(1_600_000_000L))
            .build());
    b.put(ImagePath.of("etc"), Entry.directory(0755, T));
    b.put(ImagePath.of("etc/empty"), file(Content.ofBytes(new byte[0]), 0644));
    b.put(
        ImagePath.of("etc/hosts"),
        Entry.builder(EntryType.REGULAR)
            .mode(0644)
            .uid(1000)
            .gid(100)
            .mtime(Timestamp.ofSeconds(1_500_000_000L))
            .content(Content.ofBytes("127.0.0.1 localhost\n".getBytes(StandardCharsets.US_ASCII)))
            .xattr("user.comment", "hello".getBytes(StandardCharsets.US_ASCII))
            .xattr(
                "security.selinux",
                "system_u:object_r:etc_t:s0\0".getBytes(StandardCharsets.US_ASCII))
            .build());
    b.put(
        ImagePath.of("etc/shadow"),
        Entry.builder(EntryType.REGULAR)
            .mode(0640)
            .gid(42)
            .mtime(T)
            .content(Content.ofBytes("root:*:19000::::::\n".getBytes(StandardCharsets.US_ASCII)))
            .xattr(
                "security.selinux",
                "system_u:object_r:etc_t:s0\0".getBytes(StandardCharsets.US_ASCII))
            .xattr("trusted.x", new byte[0])
            .build());
    b.put(ImagePath.of("usr"), Entry.directory(0755, T));
    b.put(ImagePath.of("usr/bin"), Entry.directory(0755, T));
    b.put(
        ImagePath.of("usr/bin/ping"),
        Entry.builder(EntryType.REGULAR)
            .mode(04755)
            .mtime(T)
            .content(SeededContent.dense(300_000, 1, SeededContent.Fill.TEXT))
            .xattr(
                "security.capability",
                new byte[] {1, 0, 0, 2, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
            .build());
    b.put(
        ImagePath.of("usr/bin/random"),
        file(SeededContent.dense(400_001, 2, SeededContent.Fill.RANDOM), 0755));
    b.put(
        ImagePath.of("usr/bin/copy-of-random"),
        file(SeededContent.dense(400_001, 2, SeededContent.Fill.RANDOM), 0700));
    b.put(
        ImagePath.of("usr/bin/exact-block"),
        file(SeededContent.dense(131_072, 3, SeededContent.Fill.TEXT), 0755));
    b.put(
        ImagePath.of("usr/bin/zeros"),
        file(SeededContent.dense(200_000, 4, SeededContent.Fill.ZEROS), 0644));
    b.put(
        ImagePath.of("usr/bin/sparse"),
        file(
            SeededContent.sparse(
                1_000_000,
                5,
                SeededContent.Fill.RANDOM,
                List.of(new Extent(10, 100), new Extent(600_000, 70_000))),
            0644));
    b.put(ImagePath.of("usr/bin/link-to-ping"), Entry.hardlink(ImagePath.of("usr/bin/ping")));
    b.put(ImagePath.of("etc/hosts.link"), Entry.hardlink(ImagePath.of("etc/hosts")));
    b.put(ImagePath.of("usr/sbin"), Entry.directory(0700, T));
    b.put(ImagePath.of("usr/sbin/hosts-again"), Entry.hardlink(ImagePath.of("etc/hosts")));
    b.put(ImagePath.of("usr/lib"), Entry.symlink("bin", T));
    b.put(
        ImagePath.of("usr/long-link"),
        Entry.builder(EntryType.SYMLINK)
            .mode(0777)
            .mtime(T)
            .symlinkTarget("x".repeat(4000).getBytes(StandardCharsets.US_ASCII))
            .build());
    b.put(ImagePath.of("dev"), Entry.directory(0755, T));
    b.put(
        ImagePath.of("dev/null"),
        Entry.builder(EntryType.CHAR_DEVICE).mode(0666).mtime(T).device(1, 3).build());
    b.put(
        ImagePath.of("dev/sda"),
        Entry.builder(EntryType.BLOCK_DEVICE).mode(0660).gid(6).mtime(T).device(8, 0).build());
    b.put(
        ImagePath.of("dev/big"),
        Entry.builder(EntryType.CHAR_DEVICE).mode(0600).mtime(T).device(4095, 1_048_575).build());
    b.put(ImagePath.of("dev/fifo"), Entry.builder(EntryType.FIFO).mode(0644).mtime(T).build());
    b.put(ImagePath.of("dev/sock"), Entry.builder(EntryType.SOCKET).mode(0755).mtime(T).build());
    b.put(
        ImagePath.of("dev/xsock"),
        Entry.builder(EntryType.SOCKET)
            .mode(0755)
            .mtime(T)
            .xattr("trusted.a", new byte[] {1})
            .build());
    b.put(
        ImagePath.of("tmp"),
        Entry.builder(EntryType.DIRECTORY)
            .mode(01777)
            .mtime(T)
            .xattr("user.tmp", new byte[] {2})
            .build());
    b.put(
        ImagePath.parse(new byte[] {'t', 'm', 'p', '/', (byte) 0xE9, 't', 'e'}),
        file(Content.ofBytes(new byte[] {1}), 0644));
    b.put(
        ImagePath.parse(new byte[] {'t', 'm', 'p', '/', 'z'}),
        file(Content.ofBytes(new byte[] {2}), 0644));
    b.put(ImagePath.of("tmp/" + "n".repeat(255)), file(Content.ofBytes(new byte[] {3}), 0644));
    return b.build();
  }

  /**
   * A directory with {@code n} files whose names are long enough to span several metadata blocks.
   */
  static FileTree bigDirectory(int n) throws IOException {
    FileTreeBuilder b = FileTree.empty().toBuilder();
    b.put(ImagePath.ROOT, Entry.directory(0755, T));
    b.put(ImagePath.of("big"), Entry.directory(0755, T));
    for (int i = 0; i < n; i++) {
      String name = String.format(java.util.Locale.ROOT, "file-with-a-rather-long-name-%05d", i);
      Content c = Content.ofBytes(name.getBytes(StandardCharsets.US_ASCII));
      b.put(ImagePath.of("big/" + name), file(c, 0644));
      if (i % 50 == 0) {
        b.put(ImagePath.of("big/" + name + ".d"), Entry.directory(0755, T));
      }
    }
    return b.build();
  }

  /**
   * The tree with a {@code user.jimg} xattr on the root. This kernel answers listxattr with
   * EOPNOTSUPP on a squashfs without an xattr table (mksquashfs images too), which getfattr, and so
   * TreeManifest.ofHostDirectory, report as a failure.
   */
  static FileTree withRootXattr(FileTree tree) throws IOException {
    return tree.toBuilder()
        .update(
            ImagePath.ROOT,
            e -> {
              List<dev.jimg.core.tree.Xattr> xs = new java.util.ArrayList<>(e.xattrs());
              xs.add(new dev.jimg.core.tree.Xattr("user.jimg", new byte[] {'1'}));
              xs.sort(dev.jimg.core.tree.Xattr.BY_NAME);
              return e.toBuilder().xattrs(xs).build();
            })
        .build();
  }

  static WriteContext context(FileTree tree) throws IOException {
    return new WriteContext(
        BuildClock.from(Optional.empty(), Map.of(), tree),
        Identities.fromSeed(Identities.seedFor(tree, "squashfs")));
  }

  /** Writes {@code tree} to {@code image} with {@code options}. */
  static long write(FileTree tree, SquashfsOptions options, Path image) throws IOException {
    try (FileImageChannel ch = FileImageChannel.create(image)) {
      return new SquashfsWriter(options, context(tree))
          .write(tree, ch, ProgressListener.NONE)
          .bytesUsed();
    }
  }
}
