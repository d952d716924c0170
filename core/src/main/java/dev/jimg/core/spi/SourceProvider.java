/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.spi;

import dev.jimg.core.source.Source;
import dev.jimg.core.source.SourceOptions;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A kind of input file that other modules teach {@link dev.jimg.core.source.Sources} to open (a
 * .deb package, later a filesystem image), found through {@link java.util.ServiceLoader}: list the
 * class in {@code META-INF/services/dev.jimg.core.spi.SourceProvider}. Files are recognised by
 * their first bytes, never by their name; core itself handles directories and tar streams.
 *
 * <p>Implementations have a public no-argument constructor, are stateless and thread-safe.
 */
public interface SourceProvider {
  /** How many leading bytes of a file {@link #recognises} wants to see, at most. */
  int PROBE_BYTES = 4096;

  /** A short name for messages and listings ({@code "deb"}). */
  String name();

  /**
   * Whether the file starting with {@code head} (up to {@link #PROBE_BYTES} bytes; fewer if the
   * file is shorter) is of this kind.
   */
  boolean recognises(byte[] head);

  /** Reads the file into a tree. */
  Source open(Path file, SourceOptions options) throws IOException;
}
