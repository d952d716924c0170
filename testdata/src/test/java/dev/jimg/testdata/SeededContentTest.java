/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.testdata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jimg.core.tree.Extent;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class SeededContentTest {
  @Test
  void open_sameSeed_sameBytes_otherSeed_otherBytes() throws IOException {
    byte[] a = read(SeededContent.dense(10_000, 1, SeededContent.Fill.RANDOM));
    byte[] b = read(SeededContent.dense(10_000, 1, SeededContent.Fill.RANDOM));
    byte[] c = read(SeededContent.dense(10_000, 2, SeededContent.Fill.RANDOM));

    assertThat(a).hasSize(10_000).isEqualTo(b).isNotEqualTo(c);
  }

  @Test
  void open_sparse_holesReadAsZeros() throws IOException {
    SeededContent s =
        SeededContent.sparse(
            100, 9, SeededContent.Fill.TEXT, List.of(new Extent(10, 5), new Extent(50, 10)));

    byte[] bytes = read(s);

    assertThat(bytes).hasSize(100);
    for (int i = 0; i < 100; i++) {
      boolean data = (i >= 10 && i < 15) || (i >= 50 && i < 60);
      assertThat(bytes[i] != 0).as("byte %d", i).isEqualTo(data);
      assertThat(bytes[i]).isEqualTo(s.byteAt(i));
    }
    assertThat(s.isSparse()).isTrue();
  }

  @Test
  void sparse_overlappingExtents_rejected() {
    assertThatThrownBy(
            () ->
                SeededContent.sparse(
                    100,
                    1,
                    SeededContent.Fill.RANDOM,
                    List.of(new Extent(0, 10), new Extent(5, 10))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                SeededContent.sparse(10, 1, SeededContent.Fill.RANDOM, List.of(new Extent(5, 10))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Property(tries = 200)
  void byteAt_agreesWithStream_atAnyOffset(
      @ForAll @LongRange(min = 1, max = 70_000) long size,
      @ForAll long seed,
      @ForAll SeededContent.Fill fill,
      @ForAll @LongRange(min = 0, max = 69_999) long at)
      throws IOException {
    SeededContent c = SeededContent.dense(size, seed, fill);
    long offset = at % size;
    try (InputStream in = c.open()) {
      in.skipNBytes(offset);
      assertThat((byte) in.read()).isEqualTo(c.byteAt(offset));
    }
  }

  private static byte[] read(SeededContent c) throws IOException {
    try (InputStream in = c.open()) {
      return in.readAllBytes();
    }
  }
}
