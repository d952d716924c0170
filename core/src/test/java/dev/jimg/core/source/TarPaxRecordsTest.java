/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TarPaxRecordsTest {
  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** A 512-byte header-like block, then records, then NUL padding to a block boundary. */
  private static byte[] capture(int lead, byte[]... records) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[lead], 0, lead);
    byte[] header = new byte[512];
    System.arraycopy(ascii("./PaxHeaders/x"), 0, header, 0, 14);
    out.write(header, 0, 512);
    int n = 0;
    for (byte[] r : records) {
      out.write(r, 0, r.length);
      n += r.length;
    }
    int pad = (512 - n % 512) % 512;
    out.write(new byte[pad], 0, pad);
    return out.toByteArray();
  }

  @Test
  void scan_binaryValues_keptByteExact() {
    byte[] rec = ascii("28 SCHILY.xattr.user.b=\u0000\u0080\u00ff\n\n");
    byte[] path = ascii("15 path=./caf\u00e9\n");
    Map<String, byte[]> m = TarPaxRecords.scan(capture(0, rec, path), 1024);
    assertThat(m.get("SCHILY.xattr.user.b")).containsExactly(0, 0x80, 0xff, '\n');
    assertThat(m.get("path")).containsExactly('.', '/', 'c', 'a', 'f', 0xe9);
  }

  @Test
  void scan_captureStartingMidRecordPadding_alignsToTarOffsets() {
    byte[] path = ascii("12 path=abc\n");
    // 100 bytes of the previous entry's padding come first; the header starts at offset 2048
    Map<String, byte[]> m = TarPaxRecords.scan(capture(100, path), 2048 - 100);
    assertThat(m.get("path")).isEqualTo(ascii("abc"));
  }

  @Test
  void scan_lengthThatDoesNotFit_ignored() {
    byte[] bad = ascii("99 path=abc\n");
    assertThat(TarPaxRecords.scan(capture(0, bad), 0)).isEmpty();
  }

  @Test
  void scan_laterRecordWins() {
    byte[] a = ascii("12 path=one\n");
    byte[] b = ascii("12 path=two\n");
    assertThat(TarPaxRecords.scan(capture(0, a, b), 0).get("path")).isEqualTo(ascii("two"));
  }
}
