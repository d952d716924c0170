/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.partition;

import dev.jimg.core.io.ImageChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/** Writes the partition table structures of a planned {@link DiskLayout}. */
final class PartitionTables {
  private PartitionTables() {}

  /**
   * Writes the protective MBR, the primary header and array (LBA 1 and 2…) and the backup array and
   * header (the last sectors), CRCs computed last.
   */
  static void writeGpt(ImageChannel channel, DiskLayout layout, long primaryArrayLba)
      throws IOException {
    int ss = layout.sectorSize();
    long arraySectors = LayoutPlanner.gptArraySectors(ss);
    ByteBuffer array = ByteBuffer.allocate(Math.toIntExact(arraySectors * ss));
    List<DiskLayout.Placed> parts = layout.partitions();
    if (parts.size() > LayoutPlanner.GPT_ENTRIES) {
      throw new DiskLayoutException(
          parts.size() + " partitions; a GPT holds " + LayoutPlanner.GPT_ENTRIES);
    }
    for (int i = 0; i < parts.size(); i++) {
      DiskLayout.Placed p = parts.get(i);
      new GptPartitionEntry(
              p.gptType(),
              p.uuid(),
              p.offset() / ss,
              (p.offset() + p.size()) / ss - 1,
              p.attributes(),
              p.name())
          .write(array, i * GptPartitionEntry.SIZE);
    }
    CRC32 crc = new CRC32();
    crc.update(array.array(), 0, LayoutPlanner.GPT_ENTRIES * GptPartitionEntry.SIZE);
    int arrayCrc = (int) crc.getValue();
    long lastLba = layout.sectors() - 1;
    long backupArrayLba = lastLba - arraySectors;
    GptHeader primary =
        new GptHeader(
            1,
            lastLba,
            layout.firstUsableLba(),
            layout.lastUsableLba(),
            layout.diskGuid(),
            primaryArrayLba,
            LayoutPlanner.GPT_ENTRIES,
            GptPartitionEntry.SIZE,
            arrayCrc);
    GptHeader backup =
        new GptHeader(
            lastLba,
            1,
            layout.firstUsableLba(),
            layout.lastUsableLba(),
            layout.diskGuid(),
            backupArrayLba,
            LayoutPlanner.GPT_ENTRIES,
            GptPartitionEntry.SIZE,
            arrayCrc);
    byte[] mbr = new byte[ss];
    System.arraycopy(
        MasterBootRecord.protective(layout.sectors()).toBytes(), 0, mbr, 0, MasterBootRecord.SIZE);
    channel.write(ByteBuffer.wrap(mbr), 0);
    channel.write(ByteBuffer.wrap(primary.toBlock(ss)), (long) ss);
    channel.write(ByteBuffer.wrap(array.array()), primaryArrayLba * ss);
    channel.write(ByteBuffer.wrap(array.array()), backupArrayLba * ss);
    channel.write(ByteBuffer.wrap(backup.toBlock(ss)), lastLba * ss);
  }

  /**
   * Overwrites the protective MBR with a hybrid one: slot 1 the 0xEE entry over the primary GPT
   * (LBA 1 to FirstUsableLBA − 1, as gdisk makes it), then the mirrored partitions in table order.
   */
  static void writeHybridMbr(
      ImageChannel channel,
      DiskLayout layout,
      List<Boolean> mirrored,
      List<Boolean> active,
      byte[] bootCode)
      throws IOException {
    int ss = layout.sectorSize();
    List<MbrPartitionRecord> records = new ArrayList<>();
    records.add(
        new MbrPartitionRecord(0, MasterBootRecord.GPT_PROTECTIVE, 1, layout.firstUsableLba() - 1));
    for (int i = 0; i < layout.partitions().size(); i++) {
      if (mirrored.get(i)) {
        DiskLayout.Placed p = layout.partitions().get(i);
        records.add(
            new MbrPartitionRecord(
                active.get(i) ? MbrPartitionRecord.ACTIVE : 0,
                p.mbrType(),
                p.offset() / ss,
                p.size() / ss));
      }
    }
    byte[] sector = new MasterBootRecord(bootCode, layout.diskSignature(), records).toBytes();
    channel.write(ByteBuffer.wrap(sector), 0);
  }

  /** The MBR type of the extended partition (sfdisk's and fdisk's default, "Extended"). */
  static final int EXTENDED = 0x05;

  /**
   * Writes an MBR. With more than four partitions the first three are primary and the rest logical:
   * slot 4 holds an extended partition from the first logical partition's EBR to the end of the
   * last one, and each logical partition has an EBR in the sector before it, linked in order.
   */
  static void writeMbr(
      ImageChannel channel, DiskLayout layout, List<Boolean> active, byte[] bootCode)
      throws IOException {
    int ss = layout.sectorSize();
    List<DiskLayout.Placed> parts = layout.partitions();
    int primaries =
        parts.size() > MasterBootRecord.RECORDS ? MasterBootRecord.RECORDS - 1 : parts.size();
    List<MbrPartitionRecord> records = new ArrayList<>();
    for (int i = 0; i < primaries; i++) {
      DiskLayout.Placed p = parts.get(i);
      records.add(
          new MbrPartitionRecord(
              active.get(i) ? MbrPartitionRecord.ACTIVE : 0,
              p.mbrType(),
              p.offset() / ss,
              p.size() / ss));
    }
    if (parts.size() > primaries) {
      long extStart = parts.get(primaries).offset() / ss - 1;
      DiskLayout.Placed last = parts.get(parts.size() - 1);
      long extEnd = (last.offset() + last.size()) / ss;
      records.add(new MbrPartitionRecord(0, EXTENDED, extStart, extEnd - extStart));
      for (int i = primaries; i < parts.size(); i++) {
        DiskLayout.Placed p = parts.get(i);
        long ebr = p.offset() / ss - 1;
        List<MbrPartitionRecord> entries = new ArrayList<>();
        entries.add(
            new MbrPartitionRecord(
                active.get(i) ? MbrPartitionRecord.ACTIVE : 0, p.mbrType(), 1, p.size() / ss));
        List<Long> bases = new ArrayList<>(List.of(ebr, 0L, 0L, 0L));
        if (i + 1 < parts.size()) {
          DiskLayout.Placed next = parts.get(i + 1);
          long nextEbr = next.offset() / ss - 1;
          long nextEnd = (next.offset() + next.size()) / ss;
          entries.add(new MbrPartitionRecord(0, EXTENDED, nextEbr - extStart, nextEnd - nextEbr));
          bases.set(1, extStart);
        }
        byte[] sector = new MasterBootRecord(new byte[0], 0, entries).toBytes(bases);
        channel.write(ByteBuffer.wrap(sector), ebr * ss);
      }
    }
    byte[] sector = new MasterBootRecord(bootCode, layout.diskSignature(), records).toBytes();
    channel.write(ByteBuffer.wrap(sector), 0);
  }
}
