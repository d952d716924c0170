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
}
