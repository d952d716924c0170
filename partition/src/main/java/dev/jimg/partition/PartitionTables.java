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
  static void writeGpt(ImageChannel channel, DiskLayout layout) throws IOException {
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
            2,
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
    channel.write(ByteBuffer.wrap(array.array()), 2L * ss);
    channel.write(ByteBuffer.wrap(array.array()), backupArrayLba * ss);
    channel.write(ByteBuffer.wrap(backup.toBlock(ss)), lastLba * ss);
  }

  /** Writes an MBR with up to four primary partitions. */
  static void writeMbr(
      ImageChannel channel, DiskLayout layout, List<Boolean> active, byte[] bootCode)
      throws IOException {
    int ss = layout.sectorSize();
    List<MbrPartitionRecord> records = new ArrayList<>();
    for (DiskLayout.Placed p : layout.partitions()) {
      records.add(
          new MbrPartitionRecord(
              active.get(p.number() - 1) ? MbrPartitionRecord.ACTIVE : 0,
              p.mbrType(),
              p.offset() / ss,
              p.size() / ss));
    }
    byte[] sector = new MasterBootRecord(bootCode, layout.diskSignature(), records).toBytes();
    channel.write(ByteBuffer.wrap(sector), 0);
  }
}
