/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.ext4;

import dev.jimg.core.InvalidOptionException;
import dev.jimg.core.spi.FilesystemProvider;
import dev.jimg.core.spi.FilesystemWriter;
import dev.jimg.core.spi.WriteContext;
import java.util.Map;
import java.util.SortedMap;

/**
 * The common part of the ext2, ext3 and ext4 providers: one type name and its default features.
 * Stateless and thread-safe.
 */
abstract class ExtProvider implements FilesystemProvider {
  private final String type;
  private final String description;
  private final Features defaults;

  ExtProvider(String type, String description, Features defaults) {
    this.type = type;
    this.description = description;
    this.defaults = defaults;
  }

  @Override
  public final String type() {
    return type;
  }

  @Override
  public final String description() {
    return description;
  }

  @Override
  public final SortedMap<String, String> writerOptions() {
    return Ext4Options.descriptions();
  }

  @Override
  public final java.util.Optional<dev.jimg.core.spi.FilesystemReader> newReader() {
    return java.util.Optional.of(new Ext4Reader(type));
  }

  @Override
  public final void checkOptions(Map<String, String> options) throws InvalidOptionException {
    Ext4Options.parse(type, defaults, options);
  }

  @Override
  public final FilesystemWriter newWriter(Map<String, String> options, WriteContext context)
      throws InvalidOptionException {
    return new Ext4Writer(Ext4Options.parse(type, defaults, options), context);
  }
}
