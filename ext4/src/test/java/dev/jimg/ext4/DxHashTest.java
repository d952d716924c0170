/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.ext4;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jimg.core.repro.Identities;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Vectors from {@code debugfs -R "dx_hash [-s SEED] -h half_md4 NAME"} (e2fsprogs 1.47.0). */
class DxHashTest {
  private static int[] seed(String uuid) {
    ByteBuffer b =
        ByteBuffer.wrap(Identities.toBytes(UUID.fromString(uuid))).order(ByteOrder.LITTLE_ENDIAN);
    return new int[] {b.getInt(0), b.getInt(4), b.getInt(8), b.getInt(12)};
  }

  private static int[] hash(String name, int[] seed) {
    return DxHash.halfMd4(name.getBytes(StandardCharsets.US_ASCII), seed);
  }

  @Test
  void halfMd4_seeded_matchesDebugfs() {
    int[] seed = seed("6a0c1d2e-3f40-4152-8364-758697a8b9ca");
    assertThat(hash("hello", seed)).containsExactly(0x7708688c, 0x961cd86b);
    assertThat(hash("a-rather-long-file-name-over-32-bytes-long.txt", seed))
        .containsExactly(0x9f1e706c, 0xa4b88847);
  }

  @Test
  void halfMd4_zeroSeed_usesDefaultConstants() {
    assertThat(hash("hello", new int[4])).containsExactly(0x1746da32, 0x420013b5);
  }
}
