/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.jimg.core.CorruptInputException;
import dev.jimg.core.JimgException;
import dev.jimg.core.io.MemoryImageChannel;
import dev.jimg.testdata.FuzzFailures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Damaged partition tables: every byte of the MBR, the extended boot records, the primary GPT
 * header and entry array and (strided) the backup GPT, flipped with several masks, and cut-off
 * disks. Each read must end within the time limit with a table, no table or a {@link
 * JimgException}; a returned table must describe partitions with a place on a disk (no negative
 * offset or size).
 *
 * <p>A single flipped byte inside a GPT header or entry array always fails its CRC32, which hides
 * the parser behind it, so the GPT regions are fuzzed twice: as damaged, and "resealed" (both
 * CRC32s recomputed after the flip, as a buggy or hostile writer would leave them).
 */
class PartitionTableReaderFuzzTest {
  private static final int[] MASKS = {0x01, 0x80, 0xFF};
  private static final Duration LIMIT = Duration.ofSeconds(20);
  private static final long KIB = 1024;
  private static final String NAME = "fuzz.img";

  private static Disk gpt512;
  private static Disk gpt4096;
  private static Disk hybrid;
  private static Disk mbr;

  /** What is being read now, for the message when a read does not end. */
  private volatile String current = "";

  /** A disk image to damage: its bytes, sector size, and the ranges worth damaging. */
  private record Disk(String label, byte[] bytes, int sector, List<Region> regions) {}

  /** Bytes {@code [start, end)} of a disk, damaged every {@code stride} bytes. */
  private record Region(String what, int start, int end, int stride) {}

  @BeforeAll
  static void disks() throws IOException {
    gpt512 = gptDisk("gpt512", TableType.GPT, 512);
    gpt4096 = gptDisk("gpt4096", TableType.GPT, 4096);
    hybrid = gptDisk("hybrid", TableType.HYBRID, 512);
    mbr = mbrDisk();
  }

  private static byte[] write(DiskSpec spec) throws IOException {
    MemoryImageChannel ch = new MemoryImageChannel();
    DiskImage.of(spec).writeTo(ch);
    return ch.toByteArray();
  }

  private static PartitionSpec.Builder part(String name, String type, long size)
      throws IOException {
    return PartitionSpec.builder().name(name).type(PartitionType.parse("type", type)).size(size);
  }

  private static Disk gptDisk(String label, TableType table, int sector) throws IOException {
    boolean isHybrid = table == TableType.HYBRID;
    DiskSpec spec =
        DiskSpec.builder()
            .table(table)
            .sectorSize(sector)
            .alignment(64 * KIB)
            .seed("fuzz-" + label)
            .partition(
                part("esp", "esp", 128 * KIB)
                    .attribute(GptAttribute.REQUIRED)
                    .hybrid(isHybrid)
                    .bootable(isHybrid)
                    .build())
            .partition(part("root", "linux-root-x86-64", 64 * KIB).hybrid(isHybrid).build())
            .partition(part("data", "linux-generic", 64 * KIB).build())
            .build();
    byte[] b = write(spec);
    int size = b.length;
    int array = 2 * sector;
    int arrayBytes = 128 * 128;
    int backupArray = size - sector - arrayBytes;
    List<Region> regions =
        List.of(
            new Region("protective MBR", 0, 512, 1),
            new Region("primary GPT header", sector, sector + 512, 1),
            new Region("primary GPT header sector tail", sector + 512, 2 * sector, 31),
            new Region("primary GPT entries in use", array, array + 4 * 128, 1),
            new Region("primary GPT entries unused", array + 4 * 128, array + arrayBytes, 7),
            new Region("backup GPT entries", backupArray, backupArray + arrayBytes, 13),
            new Region("backup GPT header", size - sector, size - sector + 512, 1));
    return new Disk(label, b, sector, regions);
  }

  /** An MBR disk with three primary partitions and an extended one holding three logical ones. */
  private static Disk mbrDisk() throws IOException {
    DiskSpec.Builder spec =
        DiskSpec.builder().table(TableType.MBR).alignment(64 * KIB).seed("fuzz-mbr");
    String[] types = {"0x0c", "0x83", "0x83", "swap", "0x83", "0x83"};
    for (int i = 0; i < types.length; i++) {
      spec.partition(part("p" + i, types[i], 64 * KIB).bootable(i == 0).build());
    }
    byte[] b = write(spec.build());
    List<Region> regions = new ArrayList<>();
    regions.add(new Region("MBR", 0, 512, 1));
    for (int at = 512; at < b.length; at += 512) {
      if ((b[at + 510] & 0xFF) == 0x55 && (b[at + 511] & 0xFF) == 0xAA) {
        regions.add(new Region("extended boot record at " + at, at, at + 512, 1));
      }
    }
    assertThat(regions).as("the extended boot records").hasSize(4);
    return new Disk("mbr", b, 512, regions);
  }

  @Test
  void read_undamagedDisks_expectedTables() throws IOException {
    for (Disk d : List.of(gpt512, gpt4096, hybrid)) {
      PartitionTableReader.Table t = read(d.bytes()).orElseThrow();
      assertThat(t.kind()).as(d.label()).isEqualTo("gpt");
      assertThat(t.sectorSize()).as(d.label()).isEqualTo(d.sector());
      assertThat(t.parts())
          .extracting(PartitionTableReader.Partition::name)
          .containsExactly("esp", "root", "data");
    }
    PartitionTableReader.Table t = read(mbr.bytes()).orElseThrow();
    assertThat(t.kind()).isEqualTo("mbr");
    assertThat(t.parts())
        .extracting(PartitionTableReader.Partition::number)
        .containsExactly(1, 2, 3, 5, 6, 7);
  }

  @Test
  void read_everyTableByteFlipped_tableNoTableOrTypedError() throws IOException {
    List<String> failures = new ArrayList<>();
    for (Disk d : List.of(gpt512, gpt4096, hybrid, mbr)) {
      fuzz(d, false, failures);
    }
    FuzzFailures.assertNone(failures, ": ");
  }

  @Test
  void read_everyGptByteFlippedAndCrcsResealed_tableNoTableOrTypedError() throws IOException {
    List<String> failures = new ArrayList<>();
    for (Disk d : List.of(gpt512, gpt4096, hybrid)) {
      fuzz(d, true, failures);
    }
    FuzzFailures.assertNone(failures, ": ");
  }

  /**
   * Header fields set to edge values (zero, all ones, sign bits, values just past the disk), one to
   * three at a time, with the CRC32s resealed: reaches combinations a single flip does not, such as
   * an entry count and entry size whose product overflows.
   */
  @Test
  void read_gptHeaderFieldsSetToEdgeValues_tableNoTableOrTypedError() throws IOException {
    int[][] fields = {
      {GptHeader.HEADER_SIZE_OFFSET, 4},
      {GptHeader.MY_LBA, 8},
      {GptHeader.ALTERNATE_LBA, 8},
      {GptHeader.FIRST_USABLE_LBA, 8},
      {GptHeader.LAST_USABLE_LBA, 8},
      {GptHeader.PARTITION_ENTRY_LBA, 8},
      {GptHeader.NUMBER_OF_PARTITION_ENTRIES, 4},
      {GptHeader.SIZE_OF_PARTITION_ENTRY, 4},
    };
    List<String> failures = new ArrayList<>();
    Random random = new Random(42);
    for (Disk d : List.of(gpt512, gpt4096)) {
      long sectors = d.bytes().length / d.sector();
      long[] edges = {
        0,
        1,
        2,
        127,
        128,
        129,
        255,
        256,
        4096,
        1 << 20,
        (1 << 20) + 1,
        sectors - 1,
        sectors,
        sectors + 1,
        0x7FFF_FFFFL,
        0x8000_0000L,
        0xFFFF_FFFFL,
        0x1_0000_0000L,
        Long.MAX_VALUE / 512,
        Long.MAX_VALUE / 512 + 1,
        Long.MAX_VALUE,
        Long.MIN_VALUE,
        -1,
        -2
      };
      MemoryImageChannel ch = new MemoryImageChannel(d.bytes());
      timed(
          () -> {
            for (int round = 0; round < 3000; round++) {
              byte[] header = Arrays.copyOfRange(d.bytes(), d.sector(), 2 * d.sector());
              ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
              StringBuilder what = new StringBuilder(d.label());
              for (int n = 1 + random.nextInt(3); n > 0; n--) {
                int[] f = fields[random.nextInt(fields.length)];
                long e = edges[random.nextInt(edges.length)];
                long v = f[1] == 4 ? (int) e : e;
                if (f[1] == 4) {
                  h.putInt(f[0], (int) v);
                } else {
                  h.putLong(f[0], v);
                }
                what.append(String.format(Locale.ROOT, " header[0x%02x] = %d", f[0], v));
              }
              sealHeader(ch, d, h, true);
              ch.write(ByteBuffer.wrap(header), d.sector());
              check(ch, what.toString(), failures);
            }
          });
    }
    FuzzFailures.assertNone(failures, ": ");
  }

  @Test
  void read_truncatedDisks_tableNoTableOrTypedError() throws IOException {
    List<String> failures = new ArrayList<>();
    for (Disk d : List.of(gpt512, gpt4096, hybrid, mbr)) {
      int size = d.bytes().length;
      List<Integer> cuts = new ArrayList<>(List.of(0, 1, 100, 511, 512, 513, 1023, 1024, 1100));
      for (Region r : d.regions()) {
        cuts.addAll(List.of(r.start(), r.start() + 1, r.start() + 100, r.end() - 1, r.end()));
      }
      cuts.addAll(List.of(2 * d.sector() - 1, 2 * d.sector(), 8192, 8193, size / 2, size - 1));
      timed(
          () -> {
            for (int cut : cuts) {
              if (cut <= size) {
                MemoryImageChannel ch = new MemoryImageChannel(Arrays.copyOf(d.bytes(), cut));
                check(ch, d.label() + " cut at " + cut, failures);
              }
            }
          });
    }
    FuzzFailures.assertNone(failures, ": ");
  }

  /**
   * The reader reads the primary GPT only. Damage to the primary header or entry array is a
   * corrupt-input error even though the backup at the end of the disk is intact (no silent fallback
   * to the backup, so a damaged disk is noticed; sgdisk or gdisk can rebuild the primary from it),
   * and the message says that the backup is intact. Damage to the backup alone goes unnoticed.
   */
  @Test
  void read_primaryGptDamagedBackupIntact_corruptInputNamingThePrimary() throws IOException {
    for (Disk d : List.of(gpt512, gpt4096)) {
      int ss = d.sector();
      long backupHeader = d.bytes().length - ss;
      byte[] header = d.bytes().clone();
      header[ss + GptHeader.DISK_GUID] ^= 0x01;
      assertThatThrownBy(() -> read(header))
          .isInstanceOf(CorruptInputException.class)
          .hasMessageStartingWith(NAME + " at byte " + (ss + GptHeader.HEADER_CRC32) + ": ")
          .hasMessageContaining("GPT header CRC32 is ")
          .hasMessageEndingWith(
              "; the backup GPT header at byte "
                  + backupHeader
                  + " is intact (gdisk or sgdisk can restore the primary from it)");
      byte[] entries = d.bytes().clone();
      entries[2 * ss + 0x38] ^= 0x01;
      assertThatThrownBy(() -> read(entries))
          .isInstanceOf(CorruptInputException.class)
          .hasMessageStartingWith(NAME + " at byte " + 2 * ss + ": GPT partition entry array CRC32")
          .hasMessageContaining("the backup GPT header at byte " + backupHeader + " is intact");
      byte[] erased = d.bytes().clone();
      Arrays.fill(erased, ss, 2 * ss, (byte) 0);
      assertThatThrownBy(() -> read(erased))
          .isInstanceOf(CorruptInputException.class)
          .hasMessageContaining("protective MBR (type 0xee) but no GPT header")
          .hasMessageContaining("the backup GPT header at byte " + backupHeader + " is intact");
      byte[] backupOnly = d.bytes().clone();
      backupOnly[(int) backupHeader + GptHeader.DISK_GUID] ^= 0x01;
      assertThat(read(backupOnly)).isEqualTo(read(d.bytes()));
    }
  }

  private static Optional<PartitionTableReader.Table> read(byte[] disk) throws IOException {
    return PartitionTableReader.read(new MemoryImageChannel(disk), NAME);
  }

  /**
   * Flips every {@code stride}-th byte of each region of {@code d} with each mask and reads, one
   * region within the time limit; with {@code reseal}, only the primary GPT, each flip followed by
   * new CRC32s.
   */
  private void fuzz(Disk d, boolean reseal, List<String> failures) throws IOException {
    MemoryImageChannel ch = new MemoryImageChannel(d.bytes());
    for (Region r : d.regions()) {
      if (!reseal || r.what().startsWith("primary GPT")) {
        timed(() -> fuzz(ch, d, r, reseal, failures));
      }
    }
  }

  private void fuzz(MemoryImageChannel ch, Disk d, Region r, boolean reseal, List<String> failures)
      throws IOException {
    int ss = d.sector();
    for (int p = r.start(); p < r.end(); p += r.stride()) {
      for (int mask : MASKS) {
        ch.write(ByteBuffer.wrap(new byte[] {(byte) (d.bytes()[p] ^ mask)}), p);
        if (reseal) {
          byte[] header = new byte[ss];
          ch.readFully(ByteBuffer.wrap(header), ss);
          sealHeader(ch, d, ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN), true);
          ch.write(ByteBuffer.wrap(header), ss);
        }
        String what =
            String.format(
                Locale.ROOT,
                "%s%s byte %d ^ 0x%02X",
                d.label(),
                reseal ? " resealed" : "",
                p,
                mask);
        check(ch, what, failures);
        ch.write(ByteBuffer.wrap(d.bytes(), p, 1), p);
        ch.write(ByteBuffer.wrap(d.bytes(), ss, ss), ss);
      }
    }
  }

  /**
   * Gives the header in {@code h} (one sector) a matching header CRC32 and, where its entry array
   * lies within {@code ch} and is at most 1 MiB, also a matching entry-array CRC32 when {@code
   * arrayToo}.
   */
  private static void sealHeader(MemoryImageChannel ch, Disk d, ByteBuffer h, boolean arrayToo)
      throws IOException {
    if (arrayToo) {
      long lba = h.getLong(GptHeader.PARTITION_ENTRY_LBA);
      long bytes =
          (h.getInt(GptHeader.NUMBER_OF_PARTITION_ENTRIES) & 0xFFFF_FFFFL)
              * (h.getInt(GptHeader.SIZE_OF_PARTITION_ENTRY) & 0xFFFF_FFFFL);
      if (lba > 0 && lba < ch.size() / d.sector() && bytes >= 0 && bytes <= 1 << 20) {
        byte[] array = new byte[(int) Math.min(bytes, ch.size() - lba * d.sector())];
        ch.readFully(ByteBuffer.wrap(array), lba * d.sector());
        h.putInt(GptHeader.PARTITION_ENTRY_ARRAY_CRC32, crc(array, array.length));
      }
    }
    int size = h.getInt(GptHeader.HEADER_SIZE_OFFSET);
    if (size < GptHeader.HEADER_SIZE || size > d.sector()) {
      size = GptHeader.HEADER_SIZE;
    }
    h.putInt(GptHeader.HEADER_CRC32, 0);
    h.putInt(GptHeader.HEADER_CRC32, crc(h.array(), size));
  }

  private static int crc(byte[] b, int length) {
    CRC32 c = new CRC32();
    c.update(b, 0, length);
    return (int) c.getValue();
  }

  /**
   * Runs {@code body}, a batch of reads, within the time limit; when it does not end, the failure
   * names the damage whose read was running.
   */
  private void timed(Executable body) {
    assertTimeoutPreemptively(LIMIT, body, () -> "no result within " + LIMIT + ": " + current);
  }

  /**
   * Reads {@code ch} and adds to {@code failures} anything but a table of placeable partitions, no
   * table, or a {@link JimgException}.
   */
  private void check(MemoryImageChannel ch, String what, List<String> failures) {
    current = what;
    Optional<PartitionTableReader.Table> table;
    try {
      table = PartitionTableReader.read(ch, NAME);
    } catch (JimgException expected) {
      return;
    } catch (Exception | StackOverflowError | OutOfMemoryError e) {
      failures.add(what + ": untyped " + e);
      return;
    }
    for (PartitionTableReader.Partition p : table.map(t -> t.parts()).orElse(List.of())) {
      if (p.offset() < 0 || p.size() <= 0 || p.offset() + p.size() < 0) {
        failures.add(what + ": partition " + p.number() + " at " + p.offset() + " of " + p.size());
      }
    }
  }
}
