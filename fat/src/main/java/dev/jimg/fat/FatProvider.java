/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.fat;

import dev.jimg.core.InvalidOptionException;
import dev.jimg.core.spi.FilesystemProvider;
import dev.jimg.core.spi.FilesystemReader;
import dev.jimg.core.spi.FilesystemWriter;
import dev.jimg.core.spi.WriteContext;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/**
 * The {@code fat} filesystem type: FAT12/16/32 with VFAT long names ({@link FatWriter}). Options as
 * in {@link FatOptions#DESCRIPTIONS}. Stateless and thread-safe.
 */
public final class FatProvider implements FilesystemProvider {
  /** The type name. */
  public static final String TYPE = "fat";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public String description() {
    return "fat (FAT12/16/32 with VFAT long names)";
  }

  @Override
  public SortedMap<String, String> writerOptions() {
    return FatOptions.DESCRIPTIONS;
  }

  @Override
  public Optional<FilesystemReader> newReader() {
    return Optional.of(new FatReader());
  }

  @Override
  public void checkOptions(Map<String, String> options) throws InvalidOptionException {
    FatOptions.parse(options);
  }

  @Override
  public FilesystemWriter newWriter(Map<String, String> options, WriteContext context)
      throws InvalidOptionException {
    return new FatWriter(FatOptions.parse(options), context);
  }
}
