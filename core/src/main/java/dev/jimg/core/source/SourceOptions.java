/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.source;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How sources are read. Immutable; start from {@link #defaults()}.
 *
 * @param rootOwner give every entry owner 0:0 (what rootless users want from a directory they own)
 * @param spoolDirectory where a compressed or piped tar's file data is spooled so that contents can
 *     be re-read; {@code null} means the JDK's temporary directory
 * @param readXattrs read extended attributes from host directories where the filesystem has them
 */
public record SourceOptions(boolean rootOwner, Path spoolDirectory, boolean readXattrs) {
  /** Owners as found, spool in the temporary directory, xattrs read. */
  public static SourceOptions defaults() {
    return new SourceOptions(false, null, true);
  }

  public SourceOptions withRootOwner(boolean value) {
    return new SourceOptions(value, spoolDirectory, readXattrs);
  }

  public SourceOptions withSpoolDirectory(Path dir) {
    return new SourceOptions(rootOwner, Objects.requireNonNull(dir), readXattrs);
  }

  public SourceOptions withReadXattrs(boolean value) {
    return new SourceOptions(rootOwner, spoolDirectory, value);
  }
}
