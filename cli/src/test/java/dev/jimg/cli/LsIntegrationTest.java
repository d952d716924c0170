/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jimg.cli.CliTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code jimg ls} over the bundled example rootfs ({@code testdata/examples/rootfs.tar}, made by
 * {@code testdata/examples/make-example.sh}); needs the real tar source.
 */
class LsIntegrationTest {
  /** Surefire runs in the module directory; the example lives at the repository root. */
  private static final Path ROOTFS = Path.of("..", "testdata", "examples", "rootfs.tar");

  /** The expected listing, written by make-example.sh with an independent (Python) formatter. */
  private static final Path EXPECTED = Path.of("..", "testdata", "examples", "rootfs.ls");

  @Test
  void ls_exampleRootfs_matchesCommittedListing() throws Exception {
    Run r = CliTest.run("ls", ROOTFS.toString());
    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo(Files.readString(EXPECTED));
  }

  @Test
  void ls_exampleRootfs_showsEveryKindOfEntry() {
    Run r = CliTest.run("ls", ROOTFS.toString());
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("d 0755 0:0 0 ")
        .contains(" bin -> usr/bin\n")
        .contains("- 4755 0:0 ")
        .contains(" link to ")
        .contains(" 1000:1000 ")
        .contains("c 0666 0:0 0 ");
  }

  @Test
  void ls_exampleRootfsJson_oneObjectPerEntry() {
    Run text = CliTest.run("ls", ROOTFS.toString());
    Run json = CliTest.run("ls", "--json", ROOTFS.toString());
    assertThat(json.code()).isZero();
    assertThat(json.out().lines()).hasSameSizeAs(text.out().lines().toList());
    assertThat(json.out().lines()).allMatch(l -> l.startsWith("{\"path\":") && l.endsWith("}"));
  }

  @Test
  void ls_exampleRootfsTwiceLayered_sameAsOnce() {
    Run once = CliTest.run("ls", ROOTFS.toString());
    Run twice = CliTest.run("ls", ROOTFS.toString(), ROOTFS.toString());
    assertThat(twice.code()).isZero();
    assertThat(twice.out()).isEqualTo(once.out());
  }

  @Test
  void ls_exampleRootfsRootOwner_everyOwnerIsRoot() {
    Run r = CliTest.run("ls", "--root-owner", ROOTFS.toString());
    assertThat(r.code()).isZero();
    assertThat(r.out()).doesNotContain(" 1000:1000 ");
  }
}
