/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jimg.cli.CliTest.Run;
import dev.jimg.deb.DebListing;
import dev.jimg.deb.DebPackage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code jimg deb info} and {@code jimg deb contents} through the command line: the same lines as
 * {@link DebListing} (which its own tests compare with dpkg-deb), and usage errors with exit 2.
 */
class DebCommandTest {
  private static final Path HELLO =
      Path.of(
          "..",
          "deb",
          "src",
          "test",
          "resources",
          "dev",
          "jimg",
          "deb",
          "fixtures",
          "hello_2.10-3_amd64.deb");

  @Test
  void info_printsDebListingInfo() throws Exception {
    Run r = CliTest.run("deb", "info", HELLO.toString());
    assertThat(r.code()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out().lines())
        .containsExactlyElementsOf(DebListing.info(DebPackage.open(HELLO)))
        .anySatisfy(line -> assertThat(line).contains("Package: hello"));
  }

  @Test
  void contents_printsDebListingContents() throws Exception {
    Run r = CliTest.run("deb", "contents", HELLO.toString());
    assertThat(r.code()).isZero();
    assertThat(r.out().lines())
        .containsExactlyElementsOf(DebListing.contents(DebPackage.open(HELLO).dataMembers()))
        .anySatisfy(line -> assertThat(line).endsWith("./usr/bin/hello"));
  }

  @Test
  void withoutVerbOrPackage_usageAndExitTwo() {
    Run none = CliTest.run("deb");
    assertThat(none.code()).isEqualTo(Cli.EXIT_USAGE);
    assertThat(none.err()).contains("Usage: jimg deb").contains("info").contains("contents");

    Run missing = CliTest.run("deb", "info");
    assertThat(missing.code()).isEqualTo(Cli.EXIT_USAGE);
    assertThat(missing.err()).contains("Missing required parameter: 'PKG.deb'");
  }

  @Test
  void missingPackage_failsNamingIt() {
    Run r = CliTest.run("deb", "contents", "no-such.deb");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).startsWith("jimg: ").contains("no-such.deb");
  }
}
