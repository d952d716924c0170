/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.fat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jimg.core.io.FileImageChannel;
import dev.jimg.core.progress.ProgressListener;
import dev.jimg.core.repro.BuildClock;
import dev.jimg.core.repro.Identities;
import dev.jimg.core.spi.WriteContext;
import dev.jimg.core.spi.WriteResult;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import dev.jimg.testdata.Exec;
import dev.jimg.testdata.Tool;
import dev.jimg.testdata.TreeManifest;
import dev.jimg.testdata.TreeManifestAssert;
import dev.jimg.testdata.Validators;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/** Builds FAT images for tests and judges them with fsck.fat and mtools. */
final class FatTestSupport {
  /** 2100-03-01T00:00:00Z. */
  static final long MTOOLS_LEAP_BUG_FROM = 4_107_542_400L;

  private FatTestSupport() {}

  static WriteContext context(FileTree tree) throws IOException {
    return new WriteContext(
        BuildClock.from(java.util.Optional.empty(), Map.of(), tree),
        Identities.fromSeed(UUID.fromString("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f0")));
  }

  /** Writes {@code tree} with {@code options} into {@code image}. */
  static WriteResult write(FileTree tree, Map<String, String> options, Path image)
      throws IOException {
    FatWriter w = (FatWriter) new FatProvider().newWriter(options, context(tree));
    try (FileImageChannel ch = FileImageChannel.create(image)) {
      return w.write(tree, ch, ProgressListener.NONE);
    }
  }

  /**
   * fsck.fat is silent, and mcopy -s gives back the tree (names, sizes, bytes, 2-second mtimes).
   */
  static void assertValid(FileTree tree, Path image, Path scratch) throws IOException {
    Validators.fsckFatClean(image);
    if (tree.size() > 1) {
      // mdir exits 1 ("File "::" not found") on an empty volume, mkfs.fat's included
      Validators.mdirList(image);
    }
    Path out = Files.createDirectories(scratch.resolve("out"));
    Exec.Result r =
        Exec.run(
            "env",
            "TZ=UTC",
            "LC_ALL=C.UTF-8",
            Validators.require(Tool.MCOPY).toString(),
            "-s",
            "-n",
            "-m",
            "-i",
            image.toString(),
            "::*",
            out.toString());
    if (tree.size() > 1) {
      assertThat(r.exitCode()).as(r.describe("mcopy")).isZero();
    }
    TreeManifestAssert.assertThat(TreeManifest.ofHostDirectory(out))
        .ignoring(
            TreeManifest.Column.MODE,
            TreeManifest.Column.UID,
            TreeManifest.Column.GID,
            TreeManifest.Column.XATTRS,
            TreeManifest.Column.LINK_GROUP)
        .ignoringAt("", TreeManifest.Column.MTIME)
        .withMtimeGranularity(Duration.ofSeconds(2))
        .matches(asMtoolsShows(tree));
  }

  /**
   * The tree as mtools 4.0.32 shows it: it turns each UTF-16 code unit of a character outside the
   * Basic Multilingual Plane into {@code _} (a known mtools limit; the slots hold the surrogate
   * pair, see {@code LongNameEntryTest}), and it counts 2100 as a leap year when it turns FAT dates
   * into host times ({@code conv_stamp}), so times from 2100-03-01 come out a day late (the fields
   * are right, see {@code FatTimestampTest}).
   */
  static FileTree asMtoolsShows(FileTree tree) throws IOException {
    FileTreeBuilder b = new FileTreeBuilder();
    for (Map.Entry<ImagePath, Entry> e : tree) {
      if (e.getKey().isRoot()) {
        b.put(ImagePath.ROOT, e.getValue());
        continue;
      }
      String p = new String(e.getKey().bytes(), StandardCharsets.UTF_8);
      StringBuilder sb = new StringBuilder();
      p.codePoints()
          .forEach(
              c -> sb.append(Character.isSupplementaryCodePoint(c) ? "__" : Character.toString(c)));
      Entry v = e.getValue();
      if (v.mtime().seconds() >= MTOOLS_LEAP_BUG_FROM) {
        v = v.toBuilder().mtime(Timestamp.ofSeconds(v.mtime().seconds() + 86_400)).build();
      }
      b.put(ImagePath.of(sb.toString()), v);
    }
    return b.build();
  }
}
