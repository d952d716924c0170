/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jimg.core.CorruptInputException;
import dev.jimg.core.io.ImageChannel;
import dev.jimg.core.io.MemoryImageChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sector size of an MBR, which the table does not record: 512 unless the partitions' contents
 * say 4096 (see {@link PartitionTableReader#read(ImageChannel, String,
 * PartitionTableReader.Recogniser)}).
 */
class PartitionTableReaderTest {
  private static final long KIB = 1024;
  private static final byte[] MARK = "MARKED-FS".getBytes(StandardCharsets.US_ASCII);

  /** Knows a partition whose first bytes are {@link #MARK}. */
  private static final PartitionTableReader.Recogniser MARKED =
      p -> {
        ByteBuffer b = ByteBuffer.allocate(MARK.length);
        p.readFully(b, 0);
        return ByteBuffer.wrap(MARK).equals(b.flip());
      };

  /** A disk and where its writer placed the partitions. */
  private record Disk(MemoryImageChannel channel, DiskLayout layout) {}

  /**
   * Three primary partitions, and with {@code logical} an extended one holding three logical ones,
   * 64 KiB each.
   */
  private static Disk mbrDisk(int sector, boolean logical) throws IOException {
    DiskSpec.Builder spec =
        DiskSpec.builder()
            .table(TableType.MBR)
            .sectorSize(sector)
            .alignment(64 * KIB)
            .seed("mbr-" + sector);
    String[] types = {"0x0c", "0x83", "0x83", "swap", "0x83", "0x83"};
    for (int i = 0; i < (logical ? types.length : 3); i++) {
      spec.partition(
          PartitionSpec.builder()
              .name("p" + i)
              .type(PartitionType.parse("type", types[i]))
              .size(64 * KIB)
              .build());
    }
    MemoryImageChannel ch = new MemoryImageChannel();
    DiskLayout layout = DiskImage.of(spec.build()).writeTo(ch);
    return new Disk(ch, layout);
  }

  /** Number, offset and size of each partition as written. */
  private static List<List<Long>> placed(Disk d) {
    return d.layout().partitions().stream()
        .filter(p -> p.mbrType() != 0x05 && p.mbrType() != 0x0F)
        .map(p -> List.of((long) p.number(), p.offset(), p.size()))
        .toList();
  }

  /** Number, offset and size of each partition as read. */
  private static List<List<Long>> read(PartitionTableReader.Table t) {
    return t.parts().stream().map(p -> List.of((long) p.number(), p.offset(), p.size())).toList();
  }

  private static void mark(Disk d) throws IOException {
    for (DiskLayout.Placed p : d.layout().partitions()) {
      d.channel().write(ByteBuffer.wrap(MARK), p.offset());
    }
  }

  @Test
  void read_mbrOf4096ByteSectorsWithKnownFilesystems_readsItWith4096() throws IOException {
    Disk d = mbrDisk(4096, false);
    assertThat(PartitionTableReader.read(d.channel(), "4k.img").orElseThrow().sectorSize())
        .as("without a recogniser")
        .isEqualTo(512);
    mark(d);

    PartitionTableReader.Table t =
        PartitionTableReader.read(d.channel(), "4k.img", MARKED).orElseThrow();

    assertThat(t.sectorSize()).isEqualTo(4096);
    assertThat(read(t)).isEqualTo(placed(d)).hasSize(3);
  }

  @Test
  void read_mbrOf4096ByteSectorsWithLogicalPartitions_readsItWith4096() throws IOException {
    Disk d = mbrDisk(4096, true);
    // its chain of extended boot records does not hold together with 512-byte sectors
    assertThatThrownBy(() -> PartitionTableReader.read(d.channel(), "4k.img"))
        .isInstanceOf(CorruptInputException.class);

    PartitionTableReader.Table t =
        PartitionTableReader.read(d.channel(), "4k.img", p -> false).orElseThrow();

    assertThat(t.sectorSize()).isEqualTo(4096);
    assertThat(read(t)).isEqualTo(placed(d)).hasSize(6);
  }

  @Test
  void read_mbrOf512ByteSectors_staysAt512() throws IOException {
    for (boolean logical : new boolean[] {false, true}) {
      Disk d = mbrDisk(512, logical);
      mark(d);

      PartitionTableReader.Table t =
          PartitionTableReader.read(d.channel(), "512.img", MARKED).orElseThrow();
      assertThat(t.sectorSize()).isEqualTo(512);
      assertThat(read(t)).isEqualTo(placed(d));
      // a recogniser that knows everything cannot move it either: with 4096-byte sectors the
      // partitions would run past the end of the disk
      assertThat(PartitionTableReader.read(d.channel(), "512.img", p -> true)).contains(t);
    }
  }

  @Test
  void read_mbrOf4096ByteSectorsWithNothingRecognised_staysAt512() throws IOException {
    Disk d = mbrDisk(4096, false);

    PartitionTableReader.Table t =
        PartitionTableReader.read(d.channel(), "4k.img", p -> false).orElseThrow();

    assertThat(t).isEqualTo(PartitionTableReader.read(d.channel(), "4k.img").orElseThrow());
    assertThat(t.sectorSize()).isEqualTo(512);
  }
}
