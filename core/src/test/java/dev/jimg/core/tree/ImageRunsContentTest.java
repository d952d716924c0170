/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jimg.core.io.MemoryImageChannel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageRunsContentTest {
  private static MemoryImageChannel image() throws IOException {
    MemoryImageChannel ch = new MemoryImageChannel();
    byte[] bytes = new byte[100];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (i + 1);
    }
    ch.write(ByteBuffer.wrap(bytes), 0);
    return ch;
  }

  @Test
  void open_readsRunsInFileOrder_zerosInHoles_cutAtSize() throws IOException {
    // given out of order: file [10, 14) from image 50, file [0, 4) from image 20; the last run
    // reaches past the size
    Content c =
        Content.ofImageRuns(
            image(), 13, List.of(new long[] {10, 50, 4}, new long[] {0, 20, 4}), "test");
    byte[] expected = {21, 22, 23, 24, 0, 0, 0, 0, 0, 0, 51, 52, 53};
    try (InputStream in = c.open()) {
      assertThat(in.readAllBytes()).containsExactly(expected);
    }
    try (InputStream in = c.open()) {
      assertThat(in.skip(3)).isEqualTo(3);
      assertThat(in.read()).isEqualTo(24);
      assertThat(in.skip(6)).isEqualTo(6);
      assertThat(in.readAllBytes()).containsExactly(51, 52, 53);
    }
    assertThat(c.size()).isEqualTo(13);
    assertThat(c.extents()).containsExactly(new Extent(0, 4), new Extent(10, 3));
    assertThat(c.toString()).isEqualTo("test");
  }

  @Test
  void extents_mergeTouchingRuns_andDropRunsPastTheSize() throws IOException {
    Content c =
        Content.ofImageRuns(
            image(),
            8,
            List.of(new long[] {0, 0, 4}, new long[] {4, 60, 4}, new long[] {8, 70, 4}),
            "t");
    assertThat(c.extents()).containsExactly(new Extent(0, 8));
    assertThat(c.isSparse()).isFalse();
    try (InputStream in = c.open()) {
      assertThat(in.readAllBytes()).containsExactly(1, 2, 3, 4, 61, 62, 63, 64);
    }
  }

  @Test
  void ofImageRuns_overlappingRuns_rejected() throws IOException {
    MemoryImageChannel ch = image();
    assertThatThrownBy(
            () ->
                Content.ofImageRuns(
                    ch, 10, List.of(new long[] {0, 0, 6}, new long[] {4, 50, 4}), "t"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("overlap at file offset 4");
  }
}
