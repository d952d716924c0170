/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jimg.core.InvalidOptionException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SystemSpecParserTest {
  private static final Path BASE = Path.of("/specs");

  /** A spec with root, boot and hostname. */
  static final String FULL_SPEC =
      """
      seed: demo
      root:
        sources: [rootfs.tar, overlay/]
        filesystem: squashfs
        options: {compression: lz4}
      boot:
        loader: systemd-boot
        kernel: auto
        initrd: root:/boot/initrd.img-6.1
        cmdline: "console=ttyS0 quiet"
        esp-size: 128M
      hostname: demo
      """;

  private static SystemSpec parse(String yaml) throws InvalidOptionException {
    return SystemSpecParser.parse(yaml, BASE, "test.yaml");
  }

  @Test
  void parse_fullSpec_readsRootBootAndHostname() throws Exception {
    SystemSpec s = parse(FULL_SPEC);
    assertThat(s.disk().seed()).contains("demo");
    assertThat(s.root().orElseThrow().sources())
        .containsExactly(
            BASE.resolve("rootfs.tar").toString(), BASE.resolve("overlay/").toString());
    assertThat(s.root().orElseThrow().filesystem()).isEqualTo("squashfs");
    assertThat(s.root().orElseThrow().options()).containsEntry("compression", "lz4");
    SystemSpec.Boot b = s.boot().orElseThrow();
    assertThat(b.loader()).isEqualTo("systemd-boot");
    assertThat(b.kernel()).isEqualTo("auto");
    assertThat(b.initrd()).isEqualTo("root:/boot/initrd.img-6.1");
    assertThat(b.cmdline()).isEqualTo("console=ttyS0 quiet");
    assertThat(b.espSize()).isEqualTo(128L << 20);
    assertThat(s.hostname()).contains("demo");
  }

  @Test
  void parse_defaults_ext4AndSystemdBootFromTheTree() throws Exception {
    SystemSpec s = parse("root: {sources: [r.tar]}\nboot: {}\n");
    assertThat(s.root().orElseThrow().filesystem()).isEqualTo("ext4");
    assertThat(s.boot().orElseThrow().loader()).isEqualTo(SystemSpecParser.SYSTEMD_BOOT);
    assertThat(s.boot().orElseThrow().espSize()).isEqualTo(SystemSpec.DEFAULT_ESP_SIZE);
    assertThat(s.disk().seed()).isEmpty();
  }

  @Test
  void parse_plainDiskSpec_staysValid() throws Exception {
    SystemSpec s = parse("partitions:\n  - {name: data, type: linux-generic, size: 1M}\n");
    assertThat(s.root()).isEmpty();
    assertThat(s.disk().partitions()).hasSize(1);
  }

  @Test
  void parse_loaderPath_resolvedAgainstTheSpecDirectory() throws Exception {
    SystemSpec s = parse("root: {sources: [r.tar]}\nboot: {loader: debs/sd-boot.deb}\n");
    assertThat(s.boot().orElseThrow().loader())
        .isEqualTo(BASE.resolve("debs/sd-boot.deb").toString());
  }

  @Test
  void parse_unknownTopKey_namesItAndTheKnownOnes() {
    assertThatThrownBy(() -> parse("root: {sources: [r.tar]}\nbot: {}\n"))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("bot: unknown key")
        .hasMessageContaining("boot")
        .hasMessageContaining("hostname");
  }

  @Test
  void parse_unknownBootKey_namesThePath() {
    assertThatThrownBy(() -> parse("root: {sources: [r.tar]}\nboot: {kernal: auto}\n"))
        .hasMessageContaining("boot.kernal: unknown key");
  }

  @Test
  void parse_bootWithoutRoot_refused() {
    assertThatThrownBy(() -> parse("boot: {}\n")).hasMessageContaining("needs a root");
  }

  @Test
  void parse_fatRoot_refusedAsUnbootable() {
    assertThatThrownBy(() -> parse("root: {sources: [r.tar], filesystem: fat}\n"))
        .hasMessageContaining("root.filesystem")
        .hasMessageContaining("cannot boot a Linux root from fat");
  }

  @Test
  void parse_rootInCmdline_refused() {
    assertThatThrownBy(
            () -> parse("root: {sources: [r.tar]}\nboot: {cmdline: \"root=/dev/sda2 quiet\"}\n"))
        .hasMessageContaining("boot.cmdline")
        .hasMessageContaining("root=/dev/sda2");
  }

  @Test
  void parse_badHostname_refused() {
    assertThatThrownBy(() -> parse("root: {sources: [r.tar]}\nhostname: \"my host\"\n"))
        .hasMessageContaining("hostname: \"my host\" is not a host name");
  }

  @Test
  void parse_rootWithoutSources_refused() {
    assertThatThrownBy(() -> parse("root: {filesystem: ext4}\n"))
        .hasMessageContaining("root.sources: missing");
  }

  @Test
  void parse_sizeAndGrow_refused() {
    assertThatThrownBy(() -> parse("root: {sources: [r.tar], size: 1G, grow: true}\n"))
        .hasMessageContaining("root: give size");
  }
}
