/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.ext4;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class Crc32cProperties {
  /** The JDK route with its carried start value agrees with the byte-at-a-time definition. */
  @Property(tries = 500)
  void update_equalsBytewise(
      @ForAll int crc,
      @ForAll @Size(max = 5000) byte[] data,
      @ForAll @IntRange(max = 100) int cut) {
    int off = Math.min(cut, data.length);
    int len = data.length - off;
    assertThat(Crc32c.update(crc, data, off, len)).isEqualTo(Crc32c.bytewise(crc, data, off, len));
  }

  /**
   * Known values: CRC-32C of "123456789" is 0xE3069283 (RFC 3720 check value) with the inversions.
   */
  @Example
  void update_matchesTheStandardCheckValue_forShortAndLongInput() {
    byte[] nine = "123456789".getBytes(StandardCharsets.US_ASCII);
    assertThat(~Crc32c.update(~0, nine)).isEqualTo(0xE306_9283);
    byte[] zeros = new byte[4096];
    // iSCSI test vector (RFC 3720 B.4): 32 bytes of zeros -> 0x8A9136AA; 4096 is the long route
    assertThat(~Crc32c.update(~0, new byte[32])).isEqualTo(0x8A91_36AA);
    assertThat(Crc32c.update(~0, zeros)).isEqualTo(Crc32c.bytewise(~0, zeros, 0, zeros.length));
  }
}
