/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.partition;

import dev.jimg.core.CorruptInputException;
import dev.jimg.core.io.ImageChannel;
import dev.jimg.core.repro.Identities;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * Reads the partition table of a disk image: GPT (512 or 4096-byte sectors; header and entry-array
 * CRC32s checked) or MBR (primary partitions and the logical ones in an extended partition's chain
 * of boot records, 512-byte sectors). Strict: a GPT whose checksums fail is corrupt input, not "no
 * table".
 */
public final class PartitionTableReader {
  /** Largest entry array accepted (the standard is 128 entries of 128 bytes). */
  private static final long MAX_ENTRY_ARRAY = 1 << 20;

  private static final int[] SECTOR_SIZES = {512, 4096};

  /** Bound on the extended-boot-record chain, so a looping chain ends. */
  private static final int MAX_LOGICAL = 256;

  private PartitionTableReader() {}

  /** One partition as the table describes it. */
  public record Partition(
      int number, long offset, long size, String type, Optional<UUID> uuid, String name) {}

  /** A table: its kind, sector size and partitions. */
  public record Table(
      String kind, int sectorSize, Optional<UUID> diskGuid, List<Partition> parts) {}

  /**
   * The table of {@code disk}, or empty when the first sector has no MBR signature or the MBR has
   * no partition (a filesystem image, for instance).
   *
   * @throws CorruptInputException if a GPT header or entry array fails its checksum
   */
  public static Optional<Table> read(ImageChannel disk, String name) throws IOException {
    if (disk.size() < MasterBootRecord.SIZE) {
      return Optional.empty();
    }
    ByteBuffer mbr = read(disk, 0, MasterBootRecord.SIZE);
    if ((mbr.getShort(MasterBootRecord.SIGNATURE) & 0xFFFF) != 0xAA55) {
      return Optional.empty();
    }
    boolean protective = false;
    long extended = 0;
    List<Partition> primary = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      int at = MasterBootRecord.PARTITION_RECORD + i * MbrPartitionRecord.SIZE;
      int status = mbr.get(at + MbrPartitionRecord.BOOT_INDICATOR) & 0xFF;
      int type = mbr.get(at + MbrPartitionRecord.OS_TYPE) & 0xFF;
      long start = mbr.getInt(at + MbrPartitionRecord.STARTING_LBA) & 0xFFFF_FFFFL;
      long count = mbr.getInt(at + MbrPartitionRecord.SIZE_IN_LBA) & 0xFFFF_FFFFL;
      if (type == 0 || count == 0) {
        continue;
      }
      if (status != 0 && status != MbrPartitionRecord.ACTIVE) {
        return Optional.empty(); // boot code of a filesystem, not a partition table
      }
      if (type == 0xEE) {
        protective = true;
      }
      if (type == 0x05 || type == 0x0F || type == 0x85) {
        extended = start;
        continue;
      }
      primary.add(mbrPartition(i + 1, start, count, type));
    }
    if (extended > 0) {
      logical(disk, extended, primary, name);
    }
    if (protective) {
      for (int sector : SECTOR_SIZES) {
        Optional<Table> gpt = gpt(disk, sector, name);
        if (gpt.isPresent()) {
          return gpt;
        }
      }
    }
    return primary.isEmpty()
        ? Optional.empty()
        : Optional.of(new Table("mbr", 512, Optional.empty(), primary));
  }

  private static Partition mbrPartition(int number, long startLba, long count, int type) {
    return new Partition(
        number,
        startLba * 512,
        count * 512,
        String.format(Locale.ROOT, "0x%02x", type),
        Optional.empty(),
        "");
  }

  /**
   * Follows the chain of extended boot records from the extended partition at {@code base}: each
   * holds one logical partition (relative to itself) and a link to the next (relative to base).
   * Logical partitions are numbered from 5, as Linux does.
   */
  private static void logical(ImageChannel disk, long base, List<Partition> out, String name)
      throws IOException {
    long ebr = base;
    int number = 5;
    for (int hops = 0; hops < MAX_LOGICAL; hops++) {
      if ((ebr + 1) * 512 > disk.size()) {
        throw new CorruptInputException(name, ebr * 512, "extended boot record past the end");
      }
      ByteBuffer b = read(disk, ebr * 512, MasterBootRecord.SIZE);
      if ((b.getShort(MasterBootRecord.SIGNATURE) & 0xFFFF) != 0xAA55) {
        throw new CorruptInputException(name, ebr * 512, "extended boot record without 55 AA");
      }
      int first = MasterBootRecord.PARTITION_RECORD;
      int second = first + MbrPartitionRecord.SIZE;
      int type = b.get(first + MbrPartitionRecord.OS_TYPE) & 0xFF;
      long start = b.getInt(first + MbrPartitionRecord.STARTING_LBA) & 0xFFFF_FFFFL;
      long count = b.getInt(first + MbrPartitionRecord.SIZE_IN_LBA) & 0xFFFF_FFFFL;
      if (type != 0 && count != 0) {
        out.add(mbrPartition(number++, ebr + start, count, type));
      }
      long next = b.getInt(second + MbrPartitionRecord.STARTING_LBA) & 0xFFFF_FFFFL;
      if ((b.get(second + MbrPartitionRecord.OS_TYPE) & 0xFF) == 0 || next == 0) {
        return;
      }
      ebr = base + next;
    }
    throw new CorruptInputException(
        name, base * 512, "more than " + MAX_LOGICAL + " logical partitions (a loop?)");
  }

  private static Optional<Table> gpt(ImageChannel disk, int sector, String name)
      throws IOException {
    if (disk.size() < 2L * sector) {
      return Optional.empty();
    }
    ByteBuffer h = read(disk, sector, GptHeader.HEADER_SIZE);
    byte[] sig = new byte[8];
    h.get(GptHeader.SIGNATURE_OFFSET, sig);
    if (!Arrays.equals(sig, GptHeader.SIGNATURE)) {
      return Optional.empty();
    }
    int headerSize = h.getInt(GptHeader.HEADER_SIZE_OFFSET);
    if (headerSize < GptHeader.HEADER_SIZE || headerSize > sector) {
      throw new CorruptInputException(name, sector, "GPT header size " + headerSize);
    }
    ByteBuffer whole = read(disk, sector, headerSize);
    int stored = whole.getInt(GptHeader.HEADER_CRC32);
    whole.putInt(GptHeader.HEADER_CRC32, 0);
    if (crc(whole) != stored) {
      throw new CorruptInputException(name, sector, "GPT header CRC32 does not match");
    }
    long entriesLba = h.getLong(GptHeader.PARTITION_ENTRY_LBA);
    long count = h.getInt(GptHeader.NUMBER_OF_PARTITION_ENTRIES) & 0xFFFF_FFFFL;
    long entrySize = h.getInt(GptHeader.SIZE_OF_PARTITION_ENTRY) & 0xFFFF_FFFFL;
    if (entrySize < GptPartitionEntry.SIZE || count * entrySize > MAX_ENTRY_ARRAY) {
      throw new CorruptInputException(
          name, sector, "GPT entry array of " + count + " x " + entrySize + " bytes");
    }
    ByteBuffer entries = read(disk, entriesLba * sector, (int) (count * entrySize));
    if (crc(entries) != h.getInt(GptHeader.PARTITION_ENTRY_ARRAY_CRC32)) {
      throw new CorruptInputException(
          name, entriesLba * sector, "GPT partition entry array CRC32 does not match");
    }
    List<Partition> parts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int at = (int) (i * entrySize);
      UUID type =
          Identities.fromGptBytes(array(entries), at + GptPartitionEntry.PARTITION_TYPE_GUID);
      if (type.getMostSignificantBits() == 0 && type.getLeastSignificantBits() == 0) {
        continue;
      }
      long first = entries.getLong(at + GptPartitionEntry.STARTING_LBA);
      long last = entries.getLong(at + GptPartitionEntry.ENDING_LBA);
      byte[] nameBytes = new byte[GptPartitionEntry.NAME_UNITS * 2];
      entries.get(at + GptPartitionEntry.PARTITION_NAME, nameBytes);
      String partName = new String(nameBytes, StandardCharsets.UTF_16LE);
      int nul = partName.indexOf('\0');
      parts.add(
          new Partition(
              i + 1,
              first * sector,
              (last - first + 1) * sector,
              type.toString(),
              Optional.of(
                  Identities.fromGptBytes(
                      array(entries), at + GptPartitionEntry.UNIQUE_PARTITION_GUID)),
              nul >= 0 ? partName.substring(0, nul) : partName));
    }
    UUID diskGuid = Identities.fromGptBytes(array(h), GptHeader.DISK_GUID);
    return Optional.of(new Table("gpt", sector, Optional.of(diskGuid), parts));
  }

  private static ByteBuffer read(ImageChannel disk, long offset, int length) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    disk.readFully(b, offset);
    return b.flip();
  }

  private static byte[] array(ByteBuffer b) {
    return b.array();
  }

  private static int crc(ByteBuffer b) {
    CRC32 c = new CRC32();
    c.update(b.array(), 0, b.limit());
    return (int) c.getValue();
  }
}
