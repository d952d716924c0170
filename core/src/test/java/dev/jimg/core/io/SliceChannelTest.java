/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class SliceChannelTest {
  private static MemoryImageChannel disk() throws Exception {
    MemoryImageChannel disk = new MemoryImageChannel();
    disk.setSize(1000);
    return disk;
  }

  @Test
  void write_insideSlice_landsAtParentOffset() throws Exception {
    MemoryImageChannel disk = disk();
    ImageChannel part = disk.slice("partition 1", 100, 50);
    part.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 47);
    byte[] all = disk.toByteArray();
    assertThat(all[147]).isEqualTo((byte) 1);
    assertThat(all[149]).isEqualTo((byte) 3);
    assertThat(part.size()).isEqualTo(50);
  }

  @Test
  void write_pastEndOfSlice_throwsAndLeavesParentUntouched() throws Exception {
    MemoryImageChannel disk = disk();
    ImageChannel part = disk.slice("partition 1", 100, 50);
    assertThatThrownBy(() -> part.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), 47))
        .isInstanceOf(ChannelBoundsException.class)
        .hasMessageContaining("partition 1")
        .hasMessageContaining("4 bytes at offset 47");
    assertThatThrownBy(() -> part.write(ByteBuffer.wrap(new byte[] {1}), -1))
        .isInstanceOf(ChannelBoundsException.class);
    assertThatThrownBy(() -> part.write(ByteBuffer.wrap(new byte[] {1}), Long.MAX_VALUE))
        .isInstanceOf(ChannelBoundsException.class);
    assertThat(disk.toByteArray()).containsOnly(0);
    assertThat(disk.size()).isEqualTo(1000);
  }

  @Test
  void read_clippedAtEndOfSlice() throws Exception {
    MemoryImageChannel disk = disk();
    disk.write(ByteBuffer.wrap(new byte[] {9, 9, 9, 9}), 148);
    ImageChannel part = disk.slice("p", 100, 50);
    ByteBuffer b = ByteBuffer.allocate(10);
    assertThat(part.read(b, 46)).isEqualTo(4);
    assertThat(b.position()).isEqualTo(4);
    assertThat(b.array()).startsWith(0, 0, 9, 9);
    assertThat(part.read(ByteBuffer.allocate(1), 50)).isEqualTo(-1);
    assertThatThrownBy(() -> part.readFully(ByteBuffer.allocate(10), 46))
        .isInstanceOf(EOFException.class);
  }

  @Test
  void slice_nested_isBoundedByItsParentSlice() throws Exception {
    MemoryImageChannel disk = disk();
    ImageChannel part = disk.slice("p", 100, 50);
    ImageChannel inner = part.slice("inner", 10, 40);
    inner.write(ByteBuffer.wrap(new byte[] {5}), 39);
    assertThat(disk.toByteArray()[149]).isEqualTo((byte) 5);
    assertThatThrownBy(() -> part.slice("too big", 10, 41))
        .isInstanceOf(ChannelBoundsException.class)
        .hasMessageContaining("does not fit in p of 50 bytes");
    assertThatThrownBy(() -> part.slice("negative", -1, 1))
        .isInstanceOf(ChannelBoundsException.class);
  }

  @Test
  void setSize_ofSlice_acceptsOnlyItsLength() throws Exception {
    ImageChannel part = disk().slice("p", 100, 50);
    part.setSize(50);
    assertThatThrownBy(() -> part.setSize(51)).isInstanceOf(ChannelBoundsException.class);
    assertThatThrownBy(() -> part.setSize(49)).isInstanceOf(ChannelBoundsException.class);
  }

  @Test
  void slice_invalidRegion_isRejected() {
    assertThatThrownBy(() -> disk().slice("p", 5, -1)).isInstanceOf(ChannelBoundsException.class);
    assertThatThrownBy(() -> disk().slice("p", Long.MAX_VALUE, 2))
        .isInstanceOf(ChannelBoundsException.class);
  }

  @Test
  void close_ofSlice_leavesParentOpen() throws Exception {
    MemoryImageChannel disk = disk();
    disk.slice("p", 0, 10).close();
    disk.write(ByteBuffer.wrap(new byte[] {1}), 0);
    assertThat(disk.toByteArray()[0]).isEqualTo((byte) 1);
  }
}
