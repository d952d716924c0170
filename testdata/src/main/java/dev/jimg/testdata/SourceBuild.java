/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.testdata;

import dev.jimg.core.io.FileImageChannel;
import dev.jimg.core.progress.ProgressListener;
import dev.jimg.core.repro.BuildClock;
import dev.jimg.core.repro.Identities;
import dev.jimg.core.source.Source;
import dev.jimg.core.source.SourceOptions;
import dev.jimg.core.source.Sources;
import dev.jimg.core.spi.FilesystemOptions;
import dev.jimg.core.spi.FilesystemProvider;
import dev.jimg.core.spi.FilesystemWriter;
import dev.jimg.core.spi.Filesystems;
import dev.jimg.core.spi.WriteContext;
import dev.jimg.core.spi.WriteResult;
import dev.jimg.core.tree.FileTree;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Builds an image from a source on the host the way {@code jimg mkfs TYPE IMAGE SOURCE} does
 * without {@code --seed}, {@code --time} or {@code SOURCE_DATE_EPOCH}: the source opened by {@link
 * Sources#open}, the build time the newest mtime of its tree, the identities seeded by {@link
 * Identities#seedFor} over the tree and the options, the writer found through the installed
 * providers, and the image cut to the bytes the writer used. For tests that compare images built
 * from different sources of the same tree.
 *
 * <p>Stateless and thread-safe.
 */
public final class SourceBuild {
  private SourceBuild() {}

  /** What a build gave: the derived seed (the tree's identity) and the image written. */
  public record Built(UUID seed, Path image) {}

  /**
   * Writes {@code source} (a directory or a tar file) as {@code type} with {@code options} into
   * {@code image} (replaced).
   */
  public static Built write(String type, Map<String, String> options, Path source, Path image)
      throws IOException {
    try (Source s =
        Sources.open(source.toString(), InputStream.nullInputStream(), SourceOptions.defaults())) {
      FileTree input = s.tree();
      BuildClock clock = BuildClock.from(Optional.empty(), Map.of(), input);
      FileTree tree = clock.clampTimes(input);
      FilesystemProvider provider = Filesystems.installed().provider(type);
      UUID seed =
          Identities.seedFor(
              provider.storedView(tree), FilesystemOptions.fingerprint(type, options));
      FilesystemWriter writer =
          provider.newWriter(options, new WriteContext(clock, Identities.fromSeed(seed)));
      long size = writer.plan(tree);
      try (FileImageChannel ch = FileImageChannel.create(image)) {
        ch.setSize(size);
        WriteResult result = writer.write(tree, ch, ProgressListener.NONE);
        if (result.bytesUsed() > 0 && result.bytesUsed() < ch.size()) {
          ch.setSize(result.bytesUsed());
        }
      }
      return new Built(seed, image);
    }
  }
}
