/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.io;

import static dev.jimg.core.HostRequirements.require;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileImageChannelTest {
  private static final int MIB = 1 << 20;

  @TempDir Path dir;

  /** 512-byte blocks the file occupies on disk, from {@code stat -c %b}. */
  static long allocatedBlocks(Path file) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("stat", "-c", "%b", file.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
    assertThat(p.waitFor()).as("stat: %s", out).isZero();
    return Long.parseLong(out);
  }

  /** Whether the filesystem under {@code dir} stores an extended-only file as a hole. */
  static boolean holesSupported(Path dir) throws IOException, InterruptedException {
    Path probe = dir.resolve("hole-probe");
    try (RandomAccessFile raf = new RandomAccessFile(probe.toFile(), "rw")) {
      raf.setLength(16L * MIB);
    }
    try {
      return allocatedBlocks(probe) < 16L * MIB / 512 / 2;
    } finally {
      Files.delete(probe);
    }
  }

  @Test
  void write_oneGibOfZeros_allocatesAlmostNothing() throws Exception {
    require(holesSupported(dir), "the filesystem of the temporary directory has no holes");
    Path image = dir.resolve("zeros.img");
    ByteBuffer zeros = ByteBuffer.allocateDirect(MIB);
    try (FileImageChannel ch = FileImageChannel.create(image)) {
      for (long pos = 0; pos < 1L << 30; pos += MIB) {
        ch.write(zeros.duplicate(), pos);
      }
      assertThat(ch.size()).isEqualTo(1L << 30);
    }
    assertThat(Files.size(image)).isEqualTo(1L << 30);
    assertThat(allocatedBlocks(image)).isLessThanOrEqualTo(8);
  }

  @Test
  void write_dataThenZeroTail_tailIsAHole() throws Exception {
    require(holesSupported(dir), "the filesystem of the temporary directory has no holes");
    Path image = dir.resolve("tail.img");
    byte[] data = new byte[8192];
    Arrays.fill(data, (byte) 0x5A);
    try (FileImageChannel ch = FileImageChannel.create(image)) {
      ch.write(ByteBuffer.wrap(data), 0);
      ch.write(ByteBuffer.allocate(64 * MIB), 8192);
    }
    assertThat(Files.size(image)).isEqualTo(8192 + 64L * MIB);
    assertThat(allocatedBlocks(image)).isLessThanOrEqualTo(8192 / 512 + 8);
  }

  @Test
  void setSize_growOnEmptyFile_isAHoleAndReadsZero() throws Exception {
    require(holesSupported(dir), "the filesystem of the temporary directory has no holes");
    Path image = dir.resolve("sized.img");
    try (FileImageChannel ch = FileImageChannel.create(image)) {
      ch.setSize(32L * MIB);
      ByteBuffer b = ByteBuffer.allocate(4096);
      ch.readFully(b, 32L * MIB - 4096);
      assertThat(b.array()).containsOnly(0);
    }
    assertThat(allocatedBlocks(image)).isLessThanOrEqualTo(8);
  }

  @Test
  void write_zerosOverEarlierData_reallyOverwrites() throws Exception {
    byte[] data = new byte[3 * 4096];
    Arrays.fill(data, (byte) 1);
    try (FileImageChannel ch = FileImageChannel.create(dir.resolve("over.img"))) {
      ch.write(ByteBuffer.wrap(data), 4096);
      ch.write(ByteBuffer.allocate(2 * 4096), 4096 + 2048);
      assertThat(read(ch, 0, (int) ch.size())).isEqualTo(expectedOverwrite());
    }
  }

  private static byte[] expectedOverwrite() {
    byte[] want = new byte[4 * 4096];
    Arrays.fill(want, 4096, 4096 + 2048, (byte) 1);
    Arrays.fill(want, 4096 + 2048 + 8192, 4 * 4096, (byte) 1);
    return want;
  }

  @Test
  void open_existingFile_treatsContentAsData() throws Exception {
    Path image = dir.resolve("existing.img");
    byte[] ones = new byte[8192];
    Arrays.fill(ones, (byte) 1);
    Files.write(image, ones);
    try (FileImageChannel ch = FileImageChannel.open(image)) {
      assertThat(ch.size()).isEqualTo(8192);
      ch.write(ByteBuffer.allocate(4096), 4096);
      byte[] back = read(ch, 0, 8192);
      assertThat(Arrays.copyOfRange(back, 0, 4096)).containsOnly(1);
      assertThat(Arrays.copyOfRange(back, 4096, 8192)).containsOnly(0);
    }
  }

  @Test
  void setSize_shrinkThenGrow_cutPartReadsZero() throws Exception {
    byte[] ones = new byte[16384];
    Arrays.fill(ones, (byte) 7);
    try (FileImageChannel ch = FileImageChannel.create(dir.resolve("shrink.img"))) {
      ch.write(ByteBuffer.wrap(ones), 0);
      ch.setSize(5000);
      ch.setSize(16384);
      ch.write(ByteBuffer.allocate(4096), 8192);
      byte[] back = read(ch, 0, 16384);
      assertThat(Arrays.copyOfRange(back, 0, 5000)).containsOnly(7);
      assertThat(Arrays.copyOfRange(back, 5000, 16384)).containsOnly(0);
      assertThat(ch.read(ByteBuffer.allocate(1), 16384)).isEqualTo(-1);
    }
  }

  @Test
  void write_negativePosition_isRejected() throws Exception {
    try (FileImageChannel ch = FileImageChannel.create(dir.resolve("neg.img"))) {
      assertThatThrownBy(() -> ch.write(ByteBuffer.allocate(1), -1))
          .isInstanceOf(ChannelBoundsException.class);
    }
  }

  /** One write: where, how long, and whether its bytes are zeros or a pattern. */
  record Write(long position, int length, boolean zeros, byte fill) {}

  @Provide
  Arbitrary<List<Write>> writes() {
    Arbitrary<Write> one =
        Combinators.combine(
                Arbitraries.longs().between(0, 64 * 1024),
                Arbitraries.integers().between(0, 20_000),
                Arbitraries.of(true, false),
                Arbitraries.bytes().between((byte) 1, (byte) 100))
            .as(Write::new);
    return one.list().ofMinSize(1).ofMaxSize(12);
  }

  @Property(tries = 60)
  void write_anySequence_readsBackAsMemoryChannelDoes(@ForAll("writes") List<Write> writes)
      throws Exception {
    Path image = Files.createTempFile("jimg-channel", ".img");
    MemoryImageChannel mem = new MemoryImageChannel();
    try (FileImageChannel file = FileImageChannel.create(image)) {
      for (Write w : writes) {
        byte[] b = new byte[w.length()];
        if (!w.zeros()) {
          for (int i = 0; i < b.length; i++) {
            // Mostly a pattern, with whole zero pages inside to exercise skipping amid data.
            b[i] = ((w.position() + i) / 4096) % 3 == 0 ? 0 : (byte) (w.fill() + i);
          }
        }
        ByteBuffer src = ByteBuffer.wrap(b);
        file.write(src, w.position());
        assertThat(src.hasRemaining()).isFalse();
        mem.write(ByteBuffer.wrap(b), w.position());
      }
      assertThat(file.size()).isEqualTo(mem.size());
      assertThat(read(file, 0, (int) file.size())).isEqualTo(mem.toByteArray());
      assertThat(Files.size(image)).isEqualTo(mem.size());
    } finally {
      Files.delete(image);
    }
  }

  static byte[] read(ImageChannel ch, long position, int length) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length);
    ch.readFully(b, position);
    return b.array();
  }
}
