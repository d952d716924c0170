/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jimg.core.InvalidOptionException;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DiskSpecParserTest {
  static final Path BASE = Path.of("/specs");

  /** The spec the issue gives as its example: every key. */
  static final String ISSUE_EXAMPLE =
      """
      table: gpt
      sector-size: 4096
      size: 2G
      seed: my-board
      partitions:
        - name: esp
          type: esp
          size: 100M
          filesystem: fat
          sources: [boot/]
          label: ESP
          uuid: 01234567-89ab-cdef-0123-456789abcdef
          attributes: [required, 60]
        - name: root
          type: linux-root-x86-64
          filesystem: ext4
          sources: [rootfs.tar]
          options: {block-size: 4096}
          grow: true
          max-size: 1G
      blobs:
        - file: u-boot.bin
          offset: 8K
      """;

  static DiskSpec parse(String yaml) throws InvalidOptionException {
    return DiskSpecParser.parse(yaml, BASE, "test.yaml");
  }

  @Test
  void parse_issueExample_allFieldsRead() throws Exception {
    DiskSpec s = parse(ISSUE_EXAMPLE);
    assertThat(s.table()).isEqualTo(TableType.GPT);
    assertThat(s.sectorSize()).isEqualTo(4096);
    assertThat(s.size()).hasValue(2L << 30);
    assertThat(s.seed()).hasValue("my-board");
    PartitionSpec esp = s.partitions().get(0);
    assertThat(esp.type().orElseThrow().gptType())
        .hasValue(UUID.fromString("c12a7328-f81f-11d2-ba4b-00a0c93ec93b"));
    assertThat(esp.size()).hasValue(100L << 20);
    assertThat(esp.sources()).containsExactly("/specs/boot");
    assertThat(esp.label()).hasValue("ESP");
    assertThat(esp.uuid()).hasValue(UUID.fromString("01234567-89ab-cdef-0123-456789abcdef"));
    assertThat(esp.attributes()).isEqualTo(1L | 1L << 60);
    PartitionSpec root = s.partitions().get(1);
    assertThat(root.options()).containsEntry("block-size", "4096");
    assertThat(root.grow()).isTrue();
    assertThat(root.maxSize()).hasValue(1L << 30);
    assertThat(s.blobs().get(0).file()).isEqualTo(Path.of("/specs/u-boot.bin"));
    assertThat(s.blobs().get(0).offset()).isEqualTo(8192);
  }

  @Test
  void parse_badSize_namesKeyPath() {
    assertThatThrownBy(
            () ->
                parse(
                    """
                    partitions:
                      - size: 1M
                      - size: 12Q
                    """))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageStartingWith("partitions[1].size: \"12Q\" is not a size");
  }

  @Test
  void parse_unknownKey_namesKeyPathAndKnownKeys() {
    assertThatThrownBy(() -> parse("partitions:\n  - name: a\n    sizee: 1M\n"))
        .hasMessageStartingWith("partitions[0].sizee: unknown key; known keys here: attributes,");
    assertThatThrownBy(() -> parse("tabel: gpt\n")).hasMessageStartingWith("tabel: unknown key");
  }

  @Test
  void parse_wrongTypes_nameKeyPath() {
    assertThatThrownBy(() -> parse("partitions:\n  - grow: maybe\n"))
        .hasMessage("partitions[0].grow: expected true or false, found \"maybe\"");
    assertThatThrownBy(() -> parse("partitions: {a: 1}\n"))
        .hasMessage("partitions: expected a list, found a mapping");
    assertThatThrownBy(() -> parse("sector-size: 1024\n"))
        .hasMessage("sector-size: 1024 is not 512 or 4096");
    assertThatThrownBy(() -> parse("partitions:\n  - type: esq\n"))
        .hasMessageStartingWith("partitions[0].type: 'esq' is not a partition type");
    assertThatThrownBy(() -> parse("partitions:\n  - attributes: [hiden]\n"))
        .hasMessageStartingWith("partitions[0].attributes[0]: 'hiden' is not a GPT attribute");
    assertThatThrownBy(() -> parse("partitions:\n  - sources: [a/]\n"))
        .hasMessageStartingWith("partitions[0].sources: sources need a filesystem");
    assertThatThrownBy(() -> parse("table: zfs\n"))
        .hasMessage("table: \"zfs\" is not a table type; use gpt, mbr or hybrid");
    assertThatThrownBy(() -> parse("partitions:\n  - size:\n"))
        .hasMessageStartingWith("partitions[0].size: ")
        .hasMessageContaining("is not a size");
  }

  @Test
  void parse_duplicateKeysAndTags_refused() {
    assertThatThrownBy(() -> parse("size: 1M\nsize: 2M\n"))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("not valid YAML");
    assertThatThrownBy(() -> parse("size: !!java.io.File [x]\n"))
        .isInstanceOf(InvalidOptionException.class);
  }

  @Test
  void parse_typeForms_nameGuidAndMbrByte() throws Exception {
    DiskSpec s =
        parse(
            """
            table: mbr
            partitions:
              - {type: 0x0c, size: 1M, bootable: true}
              - {type: "83", size: 1M}
              - {type: linux-swap, size: 1M}
            """);
    assertThat(s.partitions().get(0).type().orElseThrow().mbrType()).hasValue(0x0C);
    assertThat(s.partitions().get(0).bootable()).isTrue();
    assertThat(s.partitions().get(1).type().orElseThrow().mbrType()).hasValue(0x83);
    assertThat(s.partitions().get(2).type().orElseThrow().mbrType()).hasValue(0x82);
  }

  @Test
  void parse_pathWithNulCharacter_namesTheKey() {
    assertThatThrownBy(
            () ->
                parse(
                    "partitions:\n  - {name: a, size: 1M, filesystem: fat, sources: [\"x\\0y\"]}\n"))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("partitions[0].sources[0]")
        .hasMessageContaining("\"x\\0y\" is not a path");
  }
}
