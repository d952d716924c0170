/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.squashfs;

import dev.jimg.core.InvalidOptionException;
import dev.jimg.core.spi.FilesystemProvider;
import dev.jimg.core.spi.FilesystemReader;
import dev.jimg.core.spi.FilesystemWriter;
import dev.jimg.core.spi.WriteContext;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/** The {@code squashfs} filesystem type for {@link dev.jimg.core.spi.Filesystems}. Stateless. */
public final class SquashfsProvider implements FilesystemProvider {
  @Override
  public String type() {
    return "squashfs";
  }

  @Override
  public String description() {
    return "squashfs (compressed read-only filesystem, version 4.0)";
  }

  @Override
  public SortedMap<String, String> writerOptions() {
    return SquashfsOptions.descriptions();
  }

  @Override
  public FilesystemWriter newWriter(Map<String, String> options, WriteContext context)
      throws InvalidOptionException {
    return new SquashfsWriter(SquashfsOptions.parse(options), context);
  }

  @Override
  public Optional<FilesystemReader> newReader() {
    return Optional.of(new SquashfsReader());
  }
}
