/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.deb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DebListingTest {
  private static List<String> dpkgDeb(String option, String fixture) {
    Fixtures.requireDpkg("dpkg-deb");
    return Fixtures.run(
            "env",
            "TZ=UTC",
            "LC_ALL=C.UTF-8",
            "dpkg-deb",
            option,
            Fixtures.path(fixture).toString())
        .lines();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        Fixtures.TINY_GZ,
        Fixtures.TINY_NONE,
        Fixtures.SCRIPTS,
        Fixtures.USRMERGE,
        Fixtures.HELLO,
        Fixtures.BASE_FILES
      })
  void contents_sameLinesAsDpkgDebContents(String fixture) throws Exception {
    assertThat(DebListing.contents(Fixtures.open(fixture).dataMembers()))
        .containsExactlyElementsOf(dpkgDeb("--contents", fixture));
  }

  @ParameterizedTest
  @ValueSource(strings = {Fixtures.TINY_XZ, Fixtures.SCRIPTS, Fixtures.HELLO, Fixtures.BASE_FILES})
  void info_sameLinesAsDpkgDebInfo(String fixture) throws Exception {
    List<String> theirs = dpkgDeb("--info", fixture).stream().map(String::stripTrailing).toList();
    List<String> ours =
        DebListing.info(Fixtures.open(fixture)).stream().map(String::stripTrailing).toList();
    assertThat(ours).containsExactlyElementsOf(theirs);
  }
}
