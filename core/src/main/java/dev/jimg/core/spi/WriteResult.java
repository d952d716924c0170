/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.spi;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * What a {@link FilesystemWriter} tells the disk layer after writing.
 *
 * @param bytesUsed the size of the filesystem in bytes (the channel may be larger)
 * @param filesystemUuid the filesystem's UUID, if the format has one (FAT has a 32-bit volume id
 *     instead, reported through the fat module's own API)
 * @param label the volume label, if set
 * @param gptType the GPT partition type the filesystem suggests ({@code 0FC63DAF-…} for Linux data,
 *     {@code C12A7328-…} for an ESP), if any
 * @param mbrType the MBR partition type byte it suggests ({@code 0x83}, {@code 0x0C}), if any
 */
public record WriteResult(
    long bytesUsed,
    Optional<UUID> filesystemUuid,
    Optional<String> label,
    Optional<UUID> gptType,
    OptionalInt mbrType) {
  public WriteResult {
    if (bytesUsed < 0) {
      throw new IllegalArgumentException("negative bytesUsed " + bytesUsed);
    }
    Objects.requireNonNull(filesystemUuid, "filesystemUuid");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(gptType, "gptType");
    Objects.requireNonNull(mbrType, "mbrType");
    if (mbrType.isPresent() && (mbrType.getAsInt() < 0 || mbrType.getAsInt() > 0xFF)) {
      throw new IllegalArgumentException("MBR type is a byte: " + mbrType.getAsInt());
    }
  }
}
