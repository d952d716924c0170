/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.squashfs;

import dev.jimg.core.io.FileImageChannel;
import dev.jimg.core.progress.ProgressListener;
import dev.jimg.core.repro.BuildClock;
import dev.jimg.core.repro.Identities;
import dev.jimg.core.source.DirectorySource;
import dev.jimg.core.source.Source;
import dev.jimg.core.source.SourceOptions;
import dev.jimg.core.spi.WriteContext;
import dev.jimg.core.tree.FileTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * For bench/squashfs-vs-mksquashfs.sh until the CLI has {@code mkfs squashfs}: {@code BenchMain DIR
 * IMAGE COMPRESSION THREADS} writes DIR as a squashfs image with the default options otherwise.
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    Path image = Path.of(args[1]);
    Files.deleteIfExists(image);
    try (Source src = DirectorySource.open(dir, SourceOptions.defaults())) {
      FileTree tree = src.tree();
      SquashfsOptions o =
          SquashfsOptions.defaults()
              .withCompression(Compression.byCliName(args[2]))
              .withThreads(Integer.parseInt(args[3]));
      WriteContext ctx =
          new WriteContext(
              BuildClock.from(Optional.empty(), Map.of(), tree),
              Identities.fromSeed(Identities.seedFor(tree, "squashfs")));
      try (FileImageChannel ch = FileImageChannel.create(image)) {
        new SquashfsWriter(o, ctx).write(tree, ch, ProgressListener.NONE);
      }
    }
  }
}
