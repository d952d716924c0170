/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.ext4;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jimg.core.JimgException;
import dev.jimg.core.io.MemoryImageChannel;
import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.Extent;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.testdata.FuzzFailures;
import dev.jimg.testdata.SeededContent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Damaged images: every byte of the superblock and a fixed sample of ~1,500 other positions
 * (descriptors, inode tables, directory, extent, map and xattr blocks) flipped in turn (one bit,
 * then all eight), and truncations. Reading the tree and every file's content must end, quickly,
 * either with a tree or with a {@link JimgException} (whose message names what is wrong): never
 * with another exception, a hang or a huge allocation. Images without metadata_csum are the hard
 * case, since no checksum catches the damage first.
 */
class Ext4ReaderFuzzTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @CsvSource({
    "ext2,1024,''",
    "ext3,1024,''",
    "ext4,1024,-metadata_csum",
    "ext4,4096,-metadata_csum",
    "ext4,1024,''",
    "ext4,4096,''"
  })
  void read_flippedMetadataByte_treeOrTypedError(String type, String blockSize, String features)
      throws Exception {
    Map<String, String> options =
        features.isEmpty()
            ? Map.of("block-size", blockSize, "no-journal", "true")
            : Map.of("block-size", blockSize, "features", features, "no-journal", "true");
    if (type.equals("ext2")) {
      options = Map.of("block-size", blockSize);
    }
    if (type.equals("ext3")) {
      options = Map.of("block-size", blockSize, "journal-size", "1M");
    }
    Path image = ExtImages.write(type, options, tree(), tmp.resolve("a.img"));
    byte[] good = Files.readAllBytes(image);
    int bs = Integer.parseInt(blockSize);
    List<Integer> positions = metadataPositions(good, bs);
    int errors = 0;
    int trees = 0;
    List<String> untyped = new ArrayList<>();
    MemoryImageChannel ch = new MemoryImageChannel(good);
    for (int p : positions) {
      for (int mask : new int[] {0x01 << (p % 8), 0xFF}) {
        ch.write(ByteBuffer.wrap(new byte[] {(byte) (good[p] ^ mask)}), p);
        String outcome = readAll(ch, "byte " + p + " ^ 0x" + Integer.toHexString(mask));
        ch.write(ByteBuffer.wrap(new byte[] {good[p]}), p);
        if (outcome == null) {
          trees++;
        } else if (outcome.isEmpty()) {
          errors++;
        } else {
          untyped.add(outcome.length() > 300 ? outcome.substring(0, 300) : outcome);
        }
      }
    }
    for (int cut : new int[] {0, 1000, 1024 + 512, 2 * bs, good.length / 2, good.length - 1}) {
      String outcome =
          readAll(new MemoryImageChannel(java.util.Arrays.copyOf(good, cut)), "cut at " + cut);
      if (outcome != null && !outcome.isEmpty()) {
        untyped.add(outcome);
      }
    }
    assertThat(untyped).isEmpty();
    assertThat(errors).isPositive();
    assertThat(trees).isPositive();
  }

  /**
   * {@link ExtImages#everything()} with small contents (the positions damaged stride through every
   * non-zero block, file data included), a file of eight extents (an extent index block) and a
   * directory wide enough for an htree.
   */
  private static FileTree tree() throws Exception {
    FileTreeBuilder b = new FileTreeBuilder();
    for (var e : ExtImages.everything()) {
      String name = e.getKey().toString();
      if (!name.equals("big") && !name.equals("sparse-many")) {
        b.put(e.getKey(), e.getValue());
      }
    }
    List<Extent> pieces = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      pieces.add(new Extent(i * 8192L, 100));
    }
    b.put(
        ImagePath.of("sparse-many"),
        ExtImages.file(
                0644,
                ExtImages.t(1_700_000_000L, 0),
                SeededContent.sparse(70_000, 3, SeededContent.Fill.TEXT, pieces))
            .xattr("user.large", new byte[600])
            .build());
    b.put(ImagePath.of("wide"), ExtImages.dir(0755, ExtImages.t(5, 0)).build());
    for (int i = 0; i < 120; i++) {
      b.put(
          ImagePath.of("wide/entry-with-a-longer-name-" + i),
          ExtImages.file(0644, ExtImages.t(6, 0), Content.ofBytes(ExtImages.bytes("f" + i)))
              .build());
    }
    return b.build();
  }

  /**
   * Positions worth damaging, as a fixed sample: every byte of the superblock, every third of the
   * rest of the first 4 KiB (the start of the descriptors) and {@link #SAMPLED} positions drawn
   * with a fixed seed from the other blocks that are not all zeros (descriptors, bitmaps, inode
   * tables, directory, extent, map and xattr blocks, and some file data).
   */
  private static List<Integer> metadataPositions(byte[] image, int bs) {
    List<Integer> out = new ArrayList<>();
    for (int i = 1024; i < 4096 && i < image.length; i += i < 2048 ? 1 : 3) {
      out.add(i);
    }
    List<Integer> blocks = new ArrayList<>();
    for (int b = Math.max(1, 4096 / bs); (long) b * bs < image.length; b++) {
      for (int i = b * bs; i < (b + 1) * bs && i < image.length; i++) {
        if (image[i] != 0) {
          blocks.add(b);
          break;
        }
      }
    }
    java.util.SplittableRandom random = new java.util.SplittableRandom(bs * 31L + blocks.size());
    for (int k = 0; k < SAMPLED; k++) {
      int b = blocks.get(random.nextInt(blocks.size()));
      out.add(b * bs + random.nextInt(bs));
    }
    return out;
  }

  /** Positions drawn outside the first 4 KiB. */
  private static final int SAMPLED = 1000;

  /**
   * Reads the image and the first {@link #CONTENT_READ} bytes of every file: null if a tree came
   * back, "" on a typed error, else what went wrong.
   */
  private static String readAll(MemoryImageChannel image, String what) {
    try {
      return Assertions.assertTimeoutPreemptively(
          Duration.ofSeconds(10),
          () -> {
            try {
              FileTree t = new Ext4Reader().read(image);
              for (var e : t) {
                if (e.getValue().type() == EntryType.REGULAR) {
                  try (InputStream in = e.getValue().content().open()) {
                    in.readNBytes(CONTENT_READ);
                  } catch (JimgException expected) {
                    // a content whose blocks are damaged may fail on its own
                  }
                }
              }
              return null;
            } catch (dev.jimg.core.CorruptInputException expected) {
              return expected.offset() >= 0 ? "" : what + ": no byte offset in: " + expected;
            } catch (JimgException expected) {
              return "";
            } catch (IOException | RuntimeException | OutOfMemoryError | StackOverflowError e) {
              return what + ": untyped " + FuzzFailures.describe(e);
            }
          },
          what);
    } catch (AssertionError timeout) {
      return what + ": " + timeout.getMessage();
    }
  }

  /** How much of each file is read: enough for every file of the tree, bounded for huge sizes. */
  private static final int CONTENT_READ = 1 << 20;
}
