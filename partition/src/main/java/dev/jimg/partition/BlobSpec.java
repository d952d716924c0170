/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.partition;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A raw file written at a byte offset of the disk (a boot loader such as u-boot at 8 KiB).
 *
 * @param file the file to copy
 * @param offset the byte offset in the disk
 * @param allowOverlap whether the blob may overlap partitions and table structures (it is written
 *     after them, so its bytes win); otherwise such an overlap is an error
 */
public record BlobSpec(Path file, long offset, boolean allowOverlap) {
  public BlobSpec {
    Objects.requireNonNull(file, "file");
    if (offset < 0) {
      throw new IllegalArgumentException("negative blob offset " + offset);
    }
  }
}
