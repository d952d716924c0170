/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.ext4;

import dev.jimg.core.io.FileImageChannel;
import dev.jimg.core.progress.ProgressListener;
import dev.jimg.core.repro.BuildClock;
import dev.jimg.core.repro.Identities;
import dev.jimg.core.source.Source;
import dev.jimg.core.source.SourceOptions;
import dev.jimg.core.source.Sources;
import dev.jimg.core.spi.FilesystemOptions;
import dev.jimg.core.spi.FilesystemWriter;
import dev.jimg.core.spi.Filesystems;
import dev.jimg.core.spi.WriteContext;
import dev.jimg.core.tree.FileTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Writes {@code SOURCE} (a directory or tar) as ext4 into {@code IMAGE}, as {@code jimg mkfs ext4}
 * will: for bench/ext4-vs-mke2fs.sh until the CLI verb exists. Usage: {@code Ext4BenchMain IMAGE
 * SOURCE [TYPE]}.
 */
public final class Ext4BenchMain {
  private Ext4BenchMain() {}

  public static void main(String[] args) throws Exception {
    Path image = Path.of(args[0]);
    String type = args.length > 2 ? args[2] : "ext4";
    try (Source src = Sources.open(args[1], System.in, SourceOptions.defaults())) {
      FileTree tree = src.tree();
      WriteContext ctx =
          new WriteContext(
              BuildClock.from(Optional.empty(), Map.of(), tree),
              Identities.fromSeed(
                  Identities.seedFor(tree, FilesystemOptions.fingerprint(type, Map.of()))));
      FilesystemWriter w = Filesystems.installed().writer(type, Map.of(), ctx);
      Files.deleteIfExists(image);
      try (FileImageChannel ch = FileImageChannel.create(image)) {
        ch.setSize(w.plan(tree));
        w.write(tree, ch, ProgressListener.NONE);
      }
    }
  }
}
