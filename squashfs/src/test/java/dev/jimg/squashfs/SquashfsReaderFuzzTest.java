/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.squashfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.jimg.core.CorruptInputException;
import dev.jimg.core.JimgException;
import dev.jimg.core.io.MemoryImageChannel;
import dev.jimg.core.progress.ProgressListener;
import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.Extent;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.testdata.FuzzFailures;
import dev.jimg.testdata.SeededContent;
import dev.jimg.testdata.TreeManifest;
import dev.jimg.testdata.TreeManifestAssert;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Damaged squashfs images: every byte of the superblock and every byte (or every few bytes) of the
 * inode, directory, fragment, export, id and xattr tables, flipped with several masks, and cut-off
 * images. Reading the tree, each regular file's extents and its bytes (up to {@link #CONTENT_CAP})
 * must end within the time limit with a result or a {@link JimgException}; a {@link
 * CorruptInputException} must name a byte offset (the reader's last-resort wrapping of an
 * unforeseen buffer error names none, so reaching it counts as a failure too).
 *
 * <p>Also: directories nested deeper than a call stack allows.
 *
 * <p>The images are written uncompressed ({@link Compression#NONE}), so a flipped byte reaches the
 * parsers instead of failing decompression first; a last pass damages images of every compressor at
 * a coarse stride for the decompression paths.
 */
class SquashfsReaderFuzzTest {
  private static final int[] MASKS = {0x01, 0x80, 0xFF};
  private static final Duration LIMIT = Duration.ofSeconds(20);
  private static final int CONTENT_CAP = 4 << 20;
  private static final int BLOCK = 4096;

  private static Image small;
  private static Image wide;

  /** What is being read now, for the message when a read does not end. */
  private volatile String current = "";

  /** An image to damage, and the ranges worth damaging. */
  private record Image(String label, byte[] bytes, List<Region> regions) {}

  /** Bytes {@code [start, end)} of an image, damaged every {@code stride} bytes. */
  private record Region(String what, int start, int end, int stride) {}

  @BeforeAll
  static void images() throws IOException {
    SquashfsOptions raw =
        SquashfsOptions.defaults()
            .withCompression(Compression.NONE)
            .withBlockSize(BLOCK)
            .with(true, true, true);
    small = image("small", everyKind(), raw, 1);
    wide = image("wide", wideDirectory(), raw, 7);
  }

  /**
   * Every entry type in a few bytes: files of whole blocks, blocks and a fragment tail, a sparse
   * one, duplicates, hard links, owners beyond 16 bits, inline and shared xattr values.
   */
  static FileTree everyKind() throws IOException {
    byte[] label = "system_u:object_r:etc_t:s0\0".getBytes(StandardCharsets.US_ASCII);
    FileTreeBuilder b = FileTree.empty().toBuilder();
    b.put(
        ImagePath.ROOT,
        Entry.builder(EntryType.DIRECTORY)
            .mode(0755)
            .mtime(Trees.T)
            .xattr("user.root", new byte[] {'r'})
            .build());
    b.put(ImagePath.of("etc"), Entry.directory(0755, Trees.T));
    b.put(ImagePath.of("etc/empty"), Trees.file(Content.ofBytes(new byte[0]), 0644));
    b.put(
        ImagePath.of("etc/hosts"),
        Entry.builder(EntryType.REGULAR)
            .mode(0644)
            .uid(70_000)
            .gid(100)
            .mtime(Trees.T)
            .content(Content.ofBytes("127.0.0.1 localhost\n".getBytes(StandardCharsets.US_ASCII)))
            .xattr("user.comment", "hello".getBytes(StandardCharsets.US_ASCII))
            .xattr("security.selinux", label)
            .build());
    b.put(
        ImagePath.of("etc/shadow"),
        Entry.builder(EntryType.REGULAR)
            .mode(0640)
            .gid(42)
            .mtime(Trees.T)
            .content(Content.ofBytes("root:*:19000::::::\n".getBytes(StandardCharsets.US_ASCII)))
            .xattr("security.selinux", label)
            .xattr("trusted.x", new byte[0])
            .build());
    b.put(ImagePath.of("bin"), Entry.directory(0755, Trees.T));
    b.put(
        ImagePath.of("bin/blocks"),
        Trees.file(SeededContent.dense(3 * BLOCK + 700, 1, SeededContent.Fill.TEXT), 0755));
    b.put(
        ImagePath.of("bin/copy"),
        Trees.file(SeededContent.dense(3 * BLOCK + 700, 1, SeededContent.Fill.TEXT), 0700));
    b.put(
        ImagePath.of("bin/exact"),
        Trees.file(SeededContent.dense(2 * BLOCK, 2, SeededContent.Fill.RANDOM), 0755));
    b.put(
        ImagePath.of("bin/sparse"),
        Trees.file(
            SeededContent.sparse(
                6 * BLOCK + 10,
                3,
                SeededContent.Fill.RANDOM,
                List.of(new Extent(10, 100), new Extent(3 * BLOCK, BLOCK))),
            0644));
    b.put(ImagePath.of("bin/link"), Entry.hardlink(ImagePath.of("bin/blocks")));
    b.put(ImagePath.of("etc/hosts.link"), Entry.hardlink(ImagePath.of("etc/hosts")));
    b.put(ImagePath.of("lib"), Entry.symlink("bin", Trees.T));
    b.put(ImagePath.of("long-link"), Entry.symlink("x/".repeat(150), Trees.T));
    b.put(ImagePath.of("dev"), Entry.directory(0755, Trees.T));
    b.put(
        ImagePath.of("dev/null"),
        Entry.builder(EntryType.CHAR_DEVICE).mode(0666).mtime(Trees.T).device(1, 3).build());
    b.put(
        ImagePath.of("dev/big"),
        Entry.builder(EntryType.BLOCK_DEVICE)
            .mode(0600)
            .mtime(Trees.T)
            .device(4095, 1_048_575)
            .build());
    b.put(
        ImagePath.of("dev/fifo"), Entry.builder(EntryType.FIFO).mode(0644).mtime(Trees.T).build());
    b.put(
        ImagePath.of("dev/xsock"),
        Entry.builder(EntryType.SOCKET)
            .mode(0755)
            .mtime(Trees.T)
            .xattr("trusted.a", new byte[] {1})
            .build());
    b.put(
        ImagePath.of("tmp"),
        Entry.builder(EntryType.DIRECTORY)
            .mode(01777)
            .mtime(Trees.T)
            .xattr("user.tmp", label)
            .build());
    for (char c = 'a'; c <= 'e'; c++) {
      b.put(ImagePath.of("tmp/" + c), Trees.file(Content.ofBytes(new byte[] {(byte) c}), 0644));
    }
    return b.build();
  }

  /**
   * A directory of 300 entries: its listing, and the inode table, span several metadata blocks, and
   * its inode is an extended directory with an index.
   */
  static FileTree wideDirectory() throws IOException {
    FileTreeBuilder b = FileTree.empty().toBuilder();
    b.put(ImagePath.ROOT, Entry.directory(0755, Trees.T));
    b.put(
        ImagePath.of("d"),
        Entry.builder(EntryType.DIRECTORY)
            .mode(0755)
            .mtime(Trees.T)
            .xattr("user.d", new byte[] {'d'})
            .build());
    for (int i = 0; i < 300; i++) {
      String name = String.format(Locale.ROOT, "entry-with-a-longer-name-%04d", i);
      b.put(
          ImagePath.of("d/" + name),
          Trees.file(Content.ofBytes(name.getBytes(StandardCharsets.US_ASCII)), 0644));
    }
    return b.build();
  }

  /**
   * Writes {@code tree} and names its superblock and tables as regions; the tables are damaged
   * every {@code stride} bytes, the superblock every byte, the data area at a coarse stride.
   */
  private static Image image(String label, FileTree tree, SquashfsOptions options, int stride)
      throws IOException {
    byte[] b = write(tree, options);
    ByteBuffer sb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    int used = (int) sb.getLong(Superblock.S_BYTES_USED);
    int inodes = (int) sb.getLong(Superblock.S_INODE_TABLE_START);
    int dirs = (int) sb.getLong(Superblock.S_DIRECTORY_TABLE_START);
    int fragments = (int) sb.getLong((int) sb.getLong(Superblock.S_FRAGMENT_TABLE_START));
    int export = (int) sb.getLong((int) sb.getLong(Superblock.S_LOOKUP_TABLE_START));
    int ids = (int) sb.getLong((int) sb.getLong(Superblock.S_ID_TABLE_START));
    int xattrs = (int) sb.getLong((int) sb.getLong(Superblock.S_XATTR_ID_TABLE_START));
    List<Region> regions =
        List.of(
            new Region("superblock", 0, Superblock.SIZE, 1),
            new Region("data", Superblock.SIZE, inodes, 53),
            new Region("inode table", inodes, dirs, stride),
            new Region("directory table", dirs, fragments, stride),
            new Region("fragment table", fragments, export, 1),
            new Region("export table", export, ids, 1),
            new Region("id table", ids, xattrs, 1),
            new Region("xattr tables", xattrs, used, stride));
    for (Region r : regions) {
      assertThat(r.start()).as(label + " " + r.what()).isLessThan(r.end());
    }
    return new Image(label, b, regions);
  }

  private static byte[] write(FileTree tree, SquashfsOptions options) throws IOException {
    MemoryImageChannel ch = new MemoryImageChannel();
    new SquashfsWriter(options, Trees.context(tree)).write(tree, ch, ProgressListener.NONE);
    return ch.toByteArray();
  }

  @Test
  void read_undamagedImages_sameTrees() throws IOException {
    TreeManifestAssert.assertThat(
            TreeManifest.of(new SquashfsReader().read(new MemoryImageChannel(small.bytes()))))
        .matches(everyKind());
    TreeManifestAssert.assertThat(
            TreeManifest.of(new SquashfsReader().read(new MemoryImageChannel(wide.bytes()))))
        .matches(wideDirectory());
  }

  @Test
  void read_everyMetadataByteFlipped_treeOrTypedError() throws IOException {
    List<String> failures = new ArrayList<>();
    for (Image image : List.of(small, wide)) {
      MemoryImageChannel ch = new MemoryImageChannel(image.bytes());
      for (Region r : image.regions()) {
        timed(
            () -> {
              for (int p = r.start(); p < r.end(); p += r.stride()) {
                for (int mask : MASKS) {
                  ch.write(ByteBuffer.wrap(new byte[] {(byte) (image.bytes()[p] ^ mask)}), p);
                  String what =
                      String.format(
                          Locale.ROOT, "%s %s byte %d ^ 0x%02X", image.label(), r.what(), p, mask);
                  check(ch, what, failures);
                  ch.write(ByteBuffer.wrap(image.bytes(), p, 1), p);
                }
              }
            });
      }
    }
    FuzzFailures.assertNone(failures, " -> ");
  }

  @Test
  void read_truncatedImages_typedError() throws IOException {
    List<String> failures = new ArrayList<>();
    for (Image image : List.of(small, wide)) {
      List<Integer> cuts = new ArrayList<>(List.of(0, 1, 4, 95, 96, 97));
      for (Region r : image.regions()) {
        cuts.addAll(List.of(r.start() - 1, r.start() + 1, (r.start() + r.end()) / 2, r.end() - 1));
      }
      timed(
          () -> {
            for (int cut : cuts) {
              if (cut < 0) {
                continue;
              }
              MemoryImageChannel ch = new MemoryImageChannel(Arrays.copyOf(image.bytes(), cut));
              String what = image.label() + " cut at " + cut;
              if (check(ch, what, failures)) {
                failures.add(what + " -> read although cut short");
              }
            }
          });
    }
    FuzzFailures.assertNone(failures, " -> ");
  }

  /**
   * Images of every compressor, damaged at a coarse stride throughout: a flipped byte in a
   * compressed metadata or data block must give a typed error from the decompressor, not its own
   * exception.
   */
  @Test
  void read_compressedImagesFlipped_treeOrTypedError() throws IOException {
    List<String> failures = new ArrayList<>();
    FileTree tree = everyKind();
    for (Compression c : Compression.values()) {
      if (c == Compression.NONE) {
        continue;
      }
      byte[] good = write(tree, SquashfsOptions.defaults().withCompression(c).withBlockSize(BLOCK));
      int used = (int) ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).getLong(0x28);
      MemoryImageChannel ch = new MemoryImageChannel(good);
      timed(
          () -> {
            for (int p = Superblock.SIZE; p < used; p += 29) {
              for (int mask : MASKS) {
                ch.write(ByteBuffer.wrap(new byte[] {(byte) (good[p] ^ mask)}), p);
                check(
                    ch,
                    String.format(Locale.ROOT, "%s byte %d ^ 0x%02X", c.cliName(), p, mask),
                    failures);
                ch.write(ByteBuffer.wrap(good, p, 1), p);
              }
            }
          });
    }
    FuzzFailures.assertNone(failures, " -> ");
  }

  /**
   * Directories nested 5,000 deep, a valid image of a few KiB: read on a thread with the default
   * stack, without a StackOverflowError. (The writer recurses, so it runs on a thread with a large
   * stack.)
   */
  @Test
  void read_directoriesNestedDeep_noStackOverflow() throws Exception {
    int depth = 5000;
    FileTreeBuilder b = FileTree.empty().toBuilder();
    ImagePath deepest = ImagePath.ROOT;
    for (int i = 0; i < depth; i++) {
      deepest = deepest.child("d");
      b.put(deepest, Entry.directory(0755, Trees.T));
    }
    FileTree tree = b.build();
    byte[][] image = new byte[1][];
    Throwable[] failed = new Throwable[1];
    Thread writer =
        new Thread(
            null,
            () -> {
              try {
                image[0] = write(tree, SquashfsOptions.defaults().withThreads(1));
              } catch (Throwable e) {
                failed[0] = e;
              }
            },
            "deep writer",
            256L << 20);
    writer.start();
    writer.join();
    assertThat(failed[0]).isNull();
    FileTree back =
        assertTimeoutPreemptively(
            LIMIT, () -> new SquashfsReader().read(new MemoryImageChannel(image[0])));
    assertThat(back.entries()).hasSize(depth + 1);
    assertThat(back.get(deepest).type()).isEqualTo(EntryType.DIRECTORY);
  }

  /**
   * Runs {@code body}, a batch of reads, within the time limit; when it does not end, the failure
   * names the damage whose read was running.
   */
  private void timed(Executable body) {
    assertTimeoutPreemptively(LIMIT, body, () -> "no result within " + LIMIT + ": " + current);
  }

  /**
   * Reads the tree of {@code ch}, every regular file's extents and up to {@link #CONTENT_CAP} of
   * its bytes; adds to {@code failures} any outcome but that or a {@link JimgException}. Returns
   * whether the tree was read.
   */
  private boolean check(MemoryImageChannel ch, String what, List<String> failures) {
    current = what;
    FileTree tree;
    try {
      tree = new SquashfsReader().read(ch);
    } catch (CorruptInputException e) {
      if (e.offset() < 0) {
        failures.add(
            what
                + " -> no offset: "
                + e.getMessage()
                + ", from "
                + FuzzFailures.describe(e.getCause()));
      }
      return false;
    } catch (JimgException expected) {
      return false;
    } catch (Exception | StackOverflowError | OutOfMemoryError e) {
      failures.add(what + " -> untyped " + FuzzFailures.describe(e));
      return false;
    }
    byte[] buf = new byte[64 * 1024];
    for (Map.Entry<ImagePath, Entry> e : tree) {
      if (e.getValue().type() != EntryType.REGULAR) {
        continue;
      }
      Content c = e.getValue().content();
      try {
        c.extents();
        try (InputStream in = c.open()) {
          long total = 0;
          for (int n; total < CONTENT_CAP && (n = in.read(buf)) >= 0; ) {
            total += n;
          }
        }
      } catch (CorruptInputException x) {
        if (x.offset() < 0) {
          failures.add(what + ", " + e.getKey() + " -> no offset: " + x.getMessage());
        }
      } catch (JimgException expected) {
        // a damaged file: the tree itself was fine
      } catch (Exception | StackOverflowError | OutOfMemoryError x) {
        failures.add(what + ", " + e.getKey() + " -> untyped " + FuzzFailures.describe(x));
      }
    }
    return true;
  }
}
