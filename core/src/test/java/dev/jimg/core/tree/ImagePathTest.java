/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class ImagePathTest {
  @Test
  void parse_normalisesDotsAndSlashes() {
    assertThat(ImagePath.of("./usr//bin/./ls/")).hasToString("usr/bin/ls");
    assertThat(ImagePath.of(".")).isEqualTo(ImagePath.ROOT);
    assertThat(ImagePath.of("./")).isEqualTo(ImagePath.ROOT);
    assertThat(ImagePath.of("")).isEqualTo(ImagePath.ROOT);
  }

  @Test
  void parse_rejectsEscapes() {
    assertThat(ImagePath.problem("/etc/passwd".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("absolute path");
    assertThat(ImagePath.problem("a/../../b".getBytes(StandardCharsets.UTF_8))).contains("..");
    assertThat(ImagePath.problem("..".getBytes(StandardCharsets.UTF_8))).contains("..");
    assertThat(ImagePath.problem("a/b..c/..d".getBytes(StandardCharsets.UTF_8))).isNull();
    assertThatThrownBy(() -> ImagePath.of("x/../y")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void order_isUnsignedBytes_parentFirst() {
    List<ImagePath> paths =
        new ArrayList<>(
            List.of(
                ImagePath.parse(new byte[] {'a', (byte) 0xE9}),
                ImagePath.of("a/b"),
                ImagePath.of("a-b"),
                ImagePath.of("a"),
                ImagePath.ROOT));
    paths.sort(null);
    assertThat(paths)
        .extracting(ImagePath::toString)
        .containsExactly(".", "a", "a-b", "a/b", "a\\xe9");
  }

  @Test
  void parentNameChild_roundTrip() {
    ImagePath p = ImagePath.of("usr/share/doc");
    assertThat(p.parent()).isEqualTo(ImagePath.of("usr/share"));
    assertThat(p.nameString()).isEqualTo("doc");
    assertThat(p.parent().child("doc")).isEqualTo(p);
    assertThat(p.depth()).isEqualTo(3);
    assertThat(p.startsWith(ImagePath.of("usr"))).isTrue();
    assertThat(ImagePath.of("usrx").startsWith(ImagePath.of("usr"))).isFalse();
    assertThat(ImagePath.ROOT.parent()).isEqualTo(ImagePath.ROOT);
  }

  @Property
  void parse_isIdempotent(@ForAll byte[] raw) {
    if (ImagePath.problem(raw) != null) {
      return;
    }
    ImagePath once = ImagePath.parse(raw);
    assertThat(ImagePath.parse(once.bytes())).isEqualTo(once);
    assertThat(ImagePath.problem(once.bytes())).isNull();
  }

  @Test
  void display_escapesWhatIsNotPrintableUtf8() {
    byte[] raw = {'a', (byte) 0xC3, (byte) 0xA9, '\\', 0x01, (byte) 0xFF, 'b', 0x7F, (byte) 0xE2};
    assertThat(ImagePath.display(raw)).isEqualTo("a\u00e9\\\\\\x01\\xffb\\x7f\\xe2");
    assertThat(ImagePath.display(new byte[0])).isEmpty();
    assertThat(ImagePath.display("plain/ascii.txt".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("plain/ascii.txt");
  }

  /** Decoding runs at once renders exactly what decoding one sequence at a time does. */
  @Property
  void display_matchesSequenceBySequenceRendering(@ForAll byte[] raw) {
    assertThat(ImagePath.display(raw)).isEqualTo(displayOneByOne(raw));
  }

  private static String displayOneByOne(byte[] raw) {
    StringBuilder sb = new StringBuilder();
    java.nio.charset.CharsetDecoder strict =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
    int i = 0;
    while (i < raw.length) {
      int b = raw[i] & 0xFF;
      int len = b < 0x80 ? 1 : b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3 : 4;
      String one = null;
      if (b <= 0xF4 && (b < 0x80 || b >= 0xC2) && i + len <= raw.length) {
        try {
          one = strict.decode(java.nio.ByteBuffer.wrap(raw, i, len)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
          one = null;
        }
      }
      if (one == null || b < 0x20 || b == 0x7F) {
        sb.append(String.format(java.util.Locale.ROOT, "\\x%02x", b));
        i++;
      } else if (b == '\\') {
        sb.append("\\\\");
        i++;
      } else {
        sb.append(one);
        i += len;
      }
    }
    return sb.toString();
  }
}
