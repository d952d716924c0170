/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.deb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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

  /**
   * dpkg-deb --info shows a script's interpreter without the spaces after "#!" and without its
   * arguments ("#! /bin/sh -e" is "#!/bin/sh"); jimg showed the whole first line.
   */
  @Test
  void info_scriptInterpreterWithSpacesAndArguments_asDpkgDebShowsIt(@TempDir Path tmp)
      throws Exception {
    Fixtures.requireDpkg("dpkg-deb");
    Path root = tmp.resolve("pkg");
    Path debian = Files.createDirectories(root.resolve("DEBIAN"));
    Files.writeString(
        debian.resolve("control"),
        "Package: interp\nVersion: 1\nArchitecture: all\nMaintainer: x <x@example.org>\n"
            + "Description: scripts\n");
    Map<String, String> scripts =
        Map.of(
            "preinst", "#! /bin/sh -e\nexit 0\n",
            "postinst", "#!/usr/bin/perl -w\nexit 0;\n",
            "prerm", "#!\t/bin/sh\n",
            "postrm", "#!/bin/sh");
    for (Map.Entry<String, String> s : scripts.entrySet()) {
      Path f = debian.resolve(s.getKey());
      Files.writeString(f, s.getValue());
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Path deb = tmp.resolve("interp.deb");
    Fixtures.run("dpkg-deb", "--root-owner-group", "-Zgzip", "-b", root.toString(), deb.toString());
    List<String> theirs =
        Fixtures.run("env", "LC_ALL=C.UTF-8", "dpkg-deb", "--info", deb.toString()).lines().stream()
            .map(String::stripTrailing)
            .toList();
    List<String> ours =
        DebListing.info(DebPackage.open(deb)).stream().map(String::stripTrailing).toList();
    assertThat(ours).containsExactlyElementsOf(theirs);
    assertThat(ours).anyMatch(l -> l.endsWith("preinst              #!/bin/sh"));
  }
}
