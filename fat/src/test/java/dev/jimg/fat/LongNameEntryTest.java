/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.fat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LongNameEntryTest {
  @Test
  void checksum_knownShortName() {
    // rotate-right-and-add over "FOO     BAR", computed by hand from the specification's loop
    byte[] name = "FOO     BAR".getBytes(StandardCharsets.US_ASCII);
    int sum = 0;
    for (byte x : name) {
      sum = (((sum & 1) << 7) + (sum >> 1) + (x & 0xFF)) & 0xFF;
    }
    assertThat(LongNameEntry.checksum(name)).isEqualTo(sum);
  }

  @Test
  void write_nameOutsideBmp_storesSurrogatePairThenTerminatorAndPadding() {
    String name = "a\uD83D\uDE00b"; // 4 code units
    ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
    int end = LongNameEntry.write(b, 0, name, 0x5A);
    assertThat(end).isEqualTo(32);
    assertThat(b.get(0)).isEqualTo((byte) 0x41);
    assertThat(b.get(0x0B)).isEqualTo((byte) 0x0F);
    assertThat(b.get(0x0D)).isEqualTo((byte) 0x5A);
    assertThat(b.getChar(1)).isEqualTo('a');
    assertThat(b.getChar(3)).isEqualTo('\uD83D');
    assertThat(b.getChar(5)).isEqualTo('\uDE00');
    assertThat(b.getChar(7)).isEqualTo('b');
    assertThat(b.getChar(9)).isEqualTo('\0');
    assertThat(b.getChar(14)).isEqualTo('\uFFFF');
    assertThat(b.getChar(30)).isEqualTo('\uFFFF');
  }

  @Test
  void write_exactly26Units_twoSlotsWithoutTerminator() {
    String name = "abcdefghijklmnopqrstuvwxyz";
    ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    LongNameEntry.write(b, 0, name, 1);
    assertThat(b.get(0)).isEqualTo((byte) 0x42);
    assertThat(b.get(32)).isEqualTo((byte) 0x01);
    assertThat(b.getChar(30)).isEqualTo('z');
  }
}
