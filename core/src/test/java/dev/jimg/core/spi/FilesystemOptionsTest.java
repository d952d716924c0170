/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jimg.core.InvalidOptionException;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FilesystemOptionsTest {
  private static final Set<String> KNOWN = Set.of("block-size", "journal", "uuid", "inodes");

  private static FilesystemOptions opts(Map<String, String> m) throws InvalidOptionException {
    return FilesystemOptions.requireKnown("ext4", m, KNOWN);
  }

  @Test
  void requireKnown_unknownKey_listsKnownSorted() {
    assertThatThrownBy(() -> opts(Map.of("blocksize", "4096")))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage(
            "ext4: unknown option 'blocksize'; known options: block-size, inodes, journal, uuid");
    assertThatThrownBy(() -> FilesystemOptions.requireKnown("raw", Map.of("x", "1"), Set.of()))
        .hasMessage("raw: unknown option 'x'; known options: none");
  }

  @Test
  void typedGetters_parseValidValues() throws Exception {
    FilesystemOptions o =
        opts(
            Map.of(
                "block-size", "4K",
                "journal", "No",
                "uuid", "01234567-89AB-cdef-0123-456789abcdef",
                "inodes", "1024"));
    assertThat(o.size("block-size")).hasValue(4096);
    assertThat(o.bool("journal")).contains(false);
    assertThat(o.uuid("uuid")).contains(UUID.fromString("01234567-89ab-cdef-0123-456789abcdef"));
    assertThat(o.integer("inodes", 1, 1 << 20)).hasValue(1024);
    assertThat(opts(Map.of()).size("block-size")).isEmpty();
    assertThat(opts(Map.of()).bool("journal")).isEmpty();
  }

  @Test
  void typedGetters_malformedValues_nameOptionAndForm() throws Exception {
    assertThatThrownBy(() -> opts(Map.of("journal", "maybe")).bool("journal"))
        .hasMessage("ext4 option journal: 'maybe' is not a yes/no value; use true or false");
    assertThatThrownBy(() -> opts(Map.of("uuid", "1234")).uuid("uuid"))
        .hasMessageContaining("ext4 option uuid: '1234' is not a UUID");
    assertThatThrownBy(() -> opts(Map.of("inodes", "0")).integer("inodes", 1, 10))
        .hasMessage("ext4 option inodes: '0' is not an integer from 1 to 10");
    assertThatThrownBy(() -> opts(Map.of("inodes", "ten")).integer("inodes", 1, 10))
        .isInstanceOf(InvalidOptionException.class);
  }

  @Test
  void fingerprint_isOrderIndependent() {
    assertThat(FilesystemOptions.fingerprint("ext4", Map.of("b", "2", "a", "1")))
        .isEqualTo("ext4\na=1\nb=2\n");
  }
}
