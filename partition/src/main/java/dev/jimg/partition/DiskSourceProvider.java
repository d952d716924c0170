/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.partition;

import dev.jimg.core.JimgException;
import dev.jimg.core.source.Source;
import dev.jimg.core.source.SourceOptions;
import dev.jimg.core.spi.SourceProvider;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Teaches {@link dev.jimg.core.source.Sources} to open partitioned disk images: a first sector with
 * the {@code 55 AA} signature whose four partition records are well formed (status 00 or 80) and
 * not all empty. A FAT boot sector carries code there and is left to the filesystem readers.
 */
public final class DiskSourceProvider implements SourceProvider {
  @Override
  public String name() {
    return "disk";
  }

  @Override
  public boolean recognises(byte[] head) {
    if (head.length < MasterBootRecord.SIZE
        || (head[MasterBootRecord.SIGNATURE] & 0xFF) != 0x55
        || (head[MasterBootRecord.SIGNATURE + 1] & 0xFF) != 0xAA) {
      return false;
    }
    boolean any = false;
    for (int i = 0; i < 4; i++) {
      int at = MasterBootRecord.PARTITION_RECORD + i * MbrPartitionRecord.SIZE;
      int status = head[at + MbrPartitionRecord.BOOT_INDICATOR] & 0xFF;
      if (status != 0 && status != MbrPartitionRecord.ACTIVE) {
        return false;
      }
      any |= head[at + MbrPartitionRecord.OS_TYPE] != 0;
    }
    return any;
  }

  @Override
  public Source open(Path file, SourceOptions options) throws IOException {
    return DiskSource.open(file)
        .orElseThrow(() -> new JimgException(file + ": no partition table found"));
  }
}
