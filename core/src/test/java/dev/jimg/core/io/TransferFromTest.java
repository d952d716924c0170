/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jimg.core.tree.Content;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kernel copies into image channels ({@link ImageChannel#transferFrom}, {@link Content#copyTo}).
 */
class TransferFromTest {
  @TempDir Path dir;

  private static byte[] pattern(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + (i >>> 8));
    }
    return b;
  }

  private static byte[] read(ImageChannel ch, long position, int n) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(n);
    ch.readFully(b, position);
    return b.array();
  }

  @Test
  void transferFrom_fileChannel_copiesTheRangeAndStopsAtTheSourceEnd() throws IOException {
    byte[] data = pattern(3 * 1024 * 1024 + 17);
    Path src = Files.write(dir.resolve("src"), data);
    try (FileImageChannel image = FileImageChannel.create(dir.resolve("image"));
        FileChannel in = FileChannel.open(src)) {
      assertThat(image.transferFrom(in, 5, 1_000_000, 8192)).isEqualTo(1_000_000);
      assertThat(read(image, 8192, 1_000_000)).isEqualTo(Arrays.copyOfRange(data, 5, 1_000_005));
      assertThat(read(image, 0, 8192)).containsOnly(0);
      assertThat(image.size()).isEqualTo(8192 + 1_000_000);
      // past the source's end: only what is there
      assertThat(image.transferFrom(in, data.length - 10, 100, 0)).isEqualTo(10);
      assertThat(in.position()).isZero();
      // the copied range counts as written: zeros written over it later are not skipped
      image.write(ByteBuffer.allocate(8192), 8192);
      assertThat(read(image, 8192, 8192)).containsOnly(0);
    }
  }

  @Test
  void transferFrom_slice_offsetsIntoTheParentAndRefusesToPassItsEnd() throws IOException {
    byte[] data = pattern(10_000);
    Path src = Files.write(dir.resolve("src"), data);
    try (FileImageChannel image = FileImageChannel.create(dir.resolve("image"));
        FileChannel in = FileChannel.open(src)) {
      image.setSize(1 << 20);
      ImageChannel part = image.slice("partition 1", 4096, 65536);
      assertThat(part.transferFrom(in, 0, data.length, 100)).isEqualTo(data.length);
      assertThat(read(image, 4196, data.length)).isEqualTo(data);
      assertThatThrownBy(() -> part.transferFrom(in, 0, data.length, 60_000))
          .isInstanceOf(ChannelBoundsException.class)
          .hasMessageContaining("partition 1");
    }
  }

  @Test
  void transferFrom_memoryChannel_usesTheBufferedDefault() throws IOException {
    byte[] data = pattern(300_000);
    Path src = Files.write(dir.resolve("src"), data);
    try (MemoryImageChannel image = new MemoryImageChannel();
        FileChannel in = FileChannel.open(src)) {
      assertThat(image.transferFrom(in, 1, data.length, 7)).isEqualTo(data.length - 1);
      assertThat(read(image, 7, data.length - 1))
          .isEqualTo(Arrays.copyOfRange(data, 1, data.length));
    }
  }

  @Test
  void copyTo_hostFileAndBytes_copyTheLogicalRangeAndReportAShortFile() throws IOException {
    byte[] data = pattern(200_000);
    Path file = Files.write(dir.resolve("f"), data);
    Content host = Content.ofFile(file, data.length);
    Content bytes = Content.ofBytes(data);
    try (FileImageChannel image = FileImageChannel.create(dir.resolve("image"))) {
      assertThat(host.copyTo(1000, 150_000, image, 0)).isEqualTo(150_000);
      assertThat(bytes.copyTo(1000, 150_000, image, 200_000)).isEqualTo(150_000);
      byte[] want = Arrays.copyOfRange(data, 1000, 151_000);
      assertThat(read(image, 0, 150_000)).isEqualTo(want);
      assertThat(read(image, 200_000, 150_000)).isEqualTo(want);
      // the host file shrank after the tree was built: the copy says how much there was
      Files.write(file, Arrays.copyOf(data, 50_000));
      assertThat(host.copyTo(1000, 150_000, image, 0)).isEqualTo(49_000);
      assertThat(Content.ofBytes(Arrays.copyOf(data, 50_000)).copyTo(1000, 150_000, image, 0))
          .isEqualTo(49_000);
    }
  }
}
