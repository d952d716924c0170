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
 * of boot records). Nothing in an MBR says its sector size: it is read with 512-byte sectors unless
 * a {@link Recogniser} finds more of its partitions' filesystems with 4096-byte ones (a disk made
 * for a 4Kn drive, as {@code jimg disk} writes with {@code sector-size: 4096}; {@code fdisk} needs
 * {@code -b 4096} for it). Strict: a GPT whose checksums fail, whose entry array lies outside the
 * disk or whose entries end before they start is corrupt input, not "no table", and so is a
 * protective MBR without a GPT header. Only the primary GPT is read; the backup is looked at only
 * to say, in such an error, whether it is intact.
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
   * @throws CorruptInputException if a GPT header or entry array fails its checksum or holds values
   *     no disk can have, if a protective MBR has no GPT behind it, or if the chain of extended
   *     boot records leaves the disk or does not end
   */
  public static Optional<Table> read(ImageChannel disk, String name) throws IOException {
    return read(disk, name, null);
  }

  /** Whether a partition holds a filesystem some reader knows. */
  @FunctionalInterface
  public interface Recogniser {
    boolean recognises(ImageChannel partition) throws IOException;
  }

  /**
   * As {@link #read(ImageChannel, String)}; an MBR is read with 4096-byte sectors instead of 512
   * when, so read, every partition lies within the disk and either {@code recogniser} knows more of
   * their filesystems than with 512-byte sectors or the chain of extended boot records holds
   * together with 4096-byte sectors only ({@code null}: always 512).
   */
  public static Optional<Table> read(ImageChannel disk, String name, Recogniser recogniser)
      throws IOException {
    if (disk.size() < MasterBootRecord.SIZE) {
      return Optional.empty();
    }
    ByteBuffer mbr = read(disk, 0, MasterBootRecord.SIZE, name);
    if ((mbr.getShort(MasterBootRecord.SIGNATURE) & 0xFFFF) != 0xAA55) {
      return Optional.empty();
    }
    boolean protective = false;
    long extended = 0;
    List<long[]> primary = new ArrayList<>();
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
      primary.add(new long[] {i + 1, start, count, type});
    }
    if (protective) {
      String hint = "";
      for (int sector : SECTOR_SIZES) {
        Optional<Table> gpt = gpt(disk, sector, name);
        if (gpt.isPresent()) {
          return gpt;
        }
        hint = hint.isEmpty() ? backupHint(disk, name, sector) : hint;
      }
      throw new CorruptInputException(
          name,
          512,
          "protective MBR (type 0xee) but no GPT header (\"EFI PART\") at byte 512 or 4096" + hint);
    }
    if (primary.isEmpty() && extended == 0) {
      return Optional.empty();
    }
    List<Partition> parts = null;
    CorruptInputException as512 = null;
    try {
      parts = mbrPartitions(disk, name, primary, extended, 512);
    } catch (CorruptInputException e) {
      if (recogniser == null) {
        throw e;
      }
      as512 = e; // a chain of extended boot records may hold together with 4096-byte sectors only
    }
    if (recogniser != null) {
      List<Partition> big = null;
      try {
        big = mbrPartitions(disk, name, primary, extended, 4096);
      } catch (CorruptInputException notThisSize) {
        // the chain does not hold together with 4096-byte sectors
      }
      if (big != null
          && !big.isEmpty()
          && withinDisk(disk, big)
          && (parts == null
              || recognised(disk, big, recogniser) > recognised(disk, parts, recogniser))) {
        return Optional.of(new Table("mbr", 4096, Optional.empty(), big));
      }
      if (as512 != null) {
        throw as512;
      }
    }
    return parts.isEmpty()
        ? Optional.empty()
        : Optional.of(new Table("mbr", 512, Optional.empty(), parts));
  }

  /**
   * The partitions of an MBR ({@code primary}: number, start LBA, sector count, type of each) and
   * of the extended partition's chain from LBA {@code extended} (0: none), with {@code sector}-byte
   * sectors.
   */
  private static List<Partition> mbrPartitions(
      ImageChannel disk, String name, List<long[]> primary, long extended, int sector)
      throws IOException {
    List<Partition> parts = new ArrayList<>();
    for (long[] p : primary) {
      parts.add(mbrPartition((int) p[0], p[1], p[2], (int) p[3], sector));
    }
    if (extended > 0) {
      logical(disk, extended, parts, name, sector);
    }
    return parts;
  }

  private static boolean withinDisk(ImageChannel disk, List<Partition> parts) throws IOException {
    for (Partition p : parts) {
      if (p.offset() + p.size() > disk.size()) {
        return false;
      }
    }
    return true;
  }

  /** How many of {@code parts} (those within the disk) hold a filesystem {@code r} knows. */
  private static int recognised(ImageChannel disk, List<Partition> parts, Recogniser r)
      throws IOException {
    int n = 0;
    for (Partition p : parts) {
      if (p.offset() + p.size() <= disk.size()
          && r.recognises(disk.slice("partition " + p.number(), p.offset(), p.size()))) {
        n++;
      }
    }
    return n;
  }

  private static Partition mbrPartition(
      int number, long startLba, long count, int type, int sector) {
    return new Partition(
        number,
        startLba * sector,
        count * sector,
        String.format(Locale.ROOT, "0x%02x", type),
        Optional.empty(),
        "");
  }

  /**
   * Follows the chain of extended boot records from the extended partition at {@code base}: each
   * holds one logical partition (relative to itself) and a link to the next (relative to base).
   * Logical partitions are numbered from 5, as Linux does.
   */
  private static void logical(
      ImageChannel disk, long base, List<Partition> out, String name, int sector)
      throws IOException {
    long ebr = base;
    int number = 5;
    for (int hops = 0; hops < MAX_LOGICAL; hops++) {
      if ((ebr + 1) * sector > disk.size()) {
        throw new CorruptInputException(
            name,
            ebr * sector,
            "extended boot record at LBA "
                + ebr
                + " is past the end of the disk ("
                + disk.size()
                + " bytes)");
      }
      ByteBuffer b = read(disk, ebr * sector, MasterBootRecord.SIZE, name);
      if ((b.getShort(MasterBootRecord.SIGNATURE) & 0xFFFF) != 0xAA55) {
        throw new CorruptInputException(name, ebr * sector, "extended boot record without 55 AA");
      }
      int first = MasterBootRecord.PARTITION_RECORD;
      int second = first + MbrPartitionRecord.SIZE;
      int type = b.get(first + MbrPartitionRecord.OS_TYPE) & 0xFF;
      long start = b.getInt(first + MbrPartitionRecord.STARTING_LBA) & 0xFFFF_FFFFL;
      long count = b.getInt(first + MbrPartitionRecord.SIZE_IN_LBA) & 0xFFFF_FFFFL;
      if (type != 0 && count != 0) {
        out.add(mbrPartition(number++, ebr + start, count, type, sector));
      }
      long next = b.getInt(second + MbrPartitionRecord.STARTING_LBA) & 0xFFFF_FFFFL;
      if ((b.get(second + MbrPartitionRecord.OS_TYPE) & 0xFF) == 0 || next == 0) {
        return;
      }
      ebr = base + next;
    }
    throw new CorruptInputException(
        name, base * sector, "more than " + MAX_LOGICAL + " logical partitions (a loop?)");
  }

  /**
   * The GPT whose primary header is at LBA 1 of {@code sector}-byte sectors, or empty when there is
   * no {@code EFI PART} signature there. When the primary is damaged, the error says whether the
   * backup at the last LBA is intact.
   */
  private static Optional<Table> gpt(ImageChannel disk, int sector, String name)
      throws IOException {
    if (disk.size() < 2L * sector) {
      return Optional.empty();
    }
    return gpt(new Place(disk, name, sector, 1));
  }

  /** Where a GPT header is read: the disk, its name, the sector size and the header's LBA. */
  private record Place(ImageChannel disk, String name, int sector, long headerLba) {
    /** The byte offset of the header. */
    long header() {
      return headerLba * sector;
    }

    /** An error about this GPT; for the primary, it adds whether the backup is intact. */
    CorruptInputException corrupt(long offset, String problem) throws IOException {
      return new CorruptInputException(
          name, offset, headerLba == 1 ? problem + backupHint(disk, name, sector) : problem);
    }
  }

  /**
   * A note for an error about the primary GPT: that the backup at the disk's last {@code
   * sector}-byte LBA is intact (its header and entry array check out); empty when it is not.
   */
  private static String backupHint(ImageChannel disk, String name, int sector) throws IOException {
    long last = disk.size() / sector - 1;
    if (last < 2) {
      return "";
    }
    try {
      if (gpt(new Place(disk, name, sector, last)).isPresent()) {
        return "; the backup GPT header at byte "
            + last * sector
            + " is intact (gdisk or sgdisk can restore the primary from it)";
      }
    } catch (CorruptInputException e) {
      // the backup is damaged as well: nothing to point to
    }
    return "";
  }

  /** The GPT whose header is at {@code at}, or empty when the header has no signature. */
  private static Optional<Table> gpt(Place at) throws IOException {
    ImageChannel disk = at.disk();
    int sector = at.sector();
    long headerAt = at.header();
    ByteBuffer h = read(disk, headerAt, GptHeader.HEADER_SIZE, at.name());
    byte[] sig = new byte[8];
    h.get(GptHeader.SIGNATURE_OFFSET, sig);
    if (!Arrays.equals(sig, GptHeader.SIGNATURE)) {
      return Optional.empty();
    }
    int headerSize = h.getInt(GptHeader.HEADER_SIZE_OFFSET);
    if (headerSize < GptHeader.HEADER_SIZE || headerSize > sector) {
      throw at.corrupt(
          headerAt + GptHeader.HEADER_SIZE_OFFSET,
          "GPT header size "
              + Integer.toUnsignedString(headerSize)
              + ", expected "
              + GptHeader.HEADER_SIZE
              + " to "
              + sector);
    }
    ByteBuffer whole = read(disk, headerAt, headerSize, at.name());
    int stored = whole.getInt(GptHeader.HEADER_CRC32);
    whole.putInt(GptHeader.HEADER_CRC32, 0);
    int computed = crc(whole);
    if (computed != stored) {
      throw at.corrupt(
          headerAt + GptHeader.HEADER_CRC32,
          String.format(
              Locale.ROOT,
              "GPT header CRC32 is %08x, its %d bytes give %08x",
              stored,
              headerSize,
              computed));
    }
    long entriesLba = h.getLong(GptHeader.PARTITION_ENTRY_LBA);
    long count = h.getInt(GptHeader.NUMBER_OF_PARTITION_ENTRIES) & 0xFFFF_FFFFL;
    long entrySize = h.getInt(GptHeader.SIZE_OF_PARTITION_ENTRY) & 0xFFFF_FFFFL;
    if (entrySize < GptPartitionEntry.SIZE
        || entrySize > MAX_ENTRY_ARRAY
        || count * entrySize > MAX_ENTRY_ARRAY) {
      throw at.corrupt(
          headerAt + GptHeader.NUMBER_OF_PARTITION_ENTRIES,
          "GPT entry array of "
              + count
              + " x "
              + entrySize
              + " bytes, expected entries of at least "
              + GptPartitionEntry.SIZE
              + " bytes and at most "
              + MAX_ENTRY_ARRAY
              + " bytes in all");
    }
    int arrayBytes = (int) (count * entrySize);
    if (entriesLba < 2) {
      throw at.corrupt(
          headerAt + GptHeader.PARTITION_ENTRY_LBA,
          "GPT partition entry array at LBA "
              + Long.toUnsignedString(entriesLba)
              + ", expected LBA 2 or later (after the header)");
    }
    long entriesAt = entriesLba * sector;
    if (entriesLba > disk.size() / sector || entriesAt > disk.size() - arrayBytes) {
      throw at.corrupt(
          headerAt + GptHeader.PARTITION_ENTRY_LBA,
          "GPT partition entry array of "
              + arrayBytes
              + " bytes at LBA "
              + entriesLba
              + " runs past the end of the disk ("
              + disk.size()
              + " bytes)");
    }
    ByteBuffer entries = read(disk, entriesAt, arrayBytes, at.name());
    int arrayCrc = crc(entries);
    if (arrayCrc != h.getInt(GptHeader.PARTITION_ENTRY_ARRAY_CRC32)) {
      throw at.corrupt(
          entriesAt,
          String.format(
              Locale.ROOT,
              "GPT partition entry array CRC32 is %08x in the header, its %d bytes give %08x",
              h.getInt(GptHeader.PARTITION_ENTRY_ARRAY_CRC32),
              arrayBytes,
              arrayCrc));
    }
    long maxLba = Long.MAX_VALUE / sector - 1;
    List<Partition> parts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int entry = (int) (i * entrySize);
      UUID type =
          Identities.fromGptBytes(array(entries), entry + GptPartitionEntry.PARTITION_TYPE_GUID);
      if (type.getMostSignificantBits() == 0 && type.getLeastSignificantBits() == 0) {
        continue;
      }
      long first = entries.getLong(entry + GptPartitionEntry.STARTING_LBA);
      long last = entries.getLong(entry + GptPartitionEntry.ENDING_LBA);
      if (first < 0 || last < 0 || first > maxLba || last > maxLba) {
        throw at.corrupt(
            entriesAt + entry + GptPartitionEntry.STARTING_LBA,
            "GPT entry "
                + (i + 1)
                + " spans LBAs "
                + Long.toUnsignedString(first)
                + " to "
                + Long.toUnsignedString(last)
                + ", past the largest possible disk ("
                + maxLba
                + " sectors of "
                + sector
                + " bytes)");
      }
      if (last < first) {
        throw at.corrupt(
            entriesAt + entry + GptPartitionEntry.ENDING_LBA,
            "GPT entry " + (i + 1) + " ends at LBA " + last + ", before its starting LBA " + first);
      }
      byte[] nameBytes = new byte[GptPartitionEntry.NAME_UNITS * 2];
      entries.get(entry + GptPartitionEntry.PARTITION_NAME, nameBytes);
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
                      array(entries), entry + GptPartitionEntry.UNIQUE_PARTITION_GUID)),
              nul >= 0 ? partName.substring(0, nul) : partName));
    }
    UUID diskGuid = Identities.fromGptBytes(array(h), GptHeader.DISK_GUID);
    return Optional.of(new Table("gpt", sector, Optional.of(diskGuid), parts));
  }

  /**
   * {@code length} bytes at {@code offset}, little-endian; a read that would pass the end of the
   * disk is corrupt input, not an {@link java.io.EOFException}.
   */
  private static ByteBuffer read(ImageChannel disk, long offset, int length, String name)
      throws IOException {
    if (offset < 0 || offset > disk.size() - length) {
      throw new CorruptInputException(
          name,
          offset,
          "a read of " + length + " bytes passes the end of the disk (" + disk.size() + " bytes)");
    }
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
