/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.deb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jimg.core.source.Source;
import dev.jimg.core.source.SourceOptions;
import dev.jimg.core.source.Sources;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.testdata.TreeManifest;
import dev.jimg.testdata.TreeManifestAssert;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DebPackageTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(
      strings = {Fixtures.TINY_GZ, Fixtures.TINY_XZ, Fixtures.TINY_ZSTD, Fixtures.TINY_NONE})
  void open_everyCompression_sameControlAndData(String fixture) throws Exception {
    DebPackage pkg = Fixtures.open(fixture);
    assertThat(pkg.packageName()).isEqualTo("jimg-tiny");
    assertThat(pkg.version()).isEqualTo("1.0-1");
    assertThat(pkg.architecture()).isEqualTo("all");
    assertThat(pkg.infoName()).isEqualTo("jimg-tiny");
    assertThat(pkg.control().get("description"))
        .hasValue(
            "jimg test package jimg-tiny\n a fixture for the deb module.\n .\n"
                + " Second paragraph.");
    assertThat(pkg.controlMembers().keySet())
        .containsExactlyInAnyOrder("control", "conffiles", "md5sums");
    assertThat(pkg.conffiles()).containsExactly("/etc/jimg/tiny.conf");
    assertThat(pkg.maintainerScripts()).isEmpty();
    try (DebData data = DebData.read(pkg, SourceOptions.defaults())) {
      assertThat(data.members())
          .extracting(DataMember::rawName)
          .containsExactly(
              "./",
              "./etc/",
              "./etc/jimg/",
              "./etc/jimg/tiny.conf",
              "./usr/",
              "./usr/bin/",
              "./usr/bin/tiny",
              "./usr/bin/tiny-hard",
              "./usr/share/",
              "./usr/share/doc/",
              "./usr/share/doc/jimg-tiny/",
              "./usr/share/doc/jimg-tiny/README",
              "./usr/bin/tiny-link");
      assertThat(data.members().get(7).type()).isEqualTo(EntryType.HARDLINK);
      assertThat(data.tree().get(ImagePath.of("usr/bin/tiny")).content().open().readAllBytes())
          .isEqualTo("#!/bin/sh\necho tiny\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  @Test
  void open_scriptsPackage_multiArchSameAndScripts() throws Exception {
    DebPackage pkg = Fixtures.open(Fixtures.SCRIPTS);
    assertThat(pkg.infoName()).isEqualTo("jimg-scripts:amd64");
    assertThat(pkg.version()).isEqualTo("2:0.5~rc1");
    assertThat(pkg.maintainerScripts()).containsExactly("postinst", "prerm");
    assertThat(pkg.controlMember("postinst").orElseThrow().mode()).isEqualTo(0755);
    assertThat(pkg.controlMember("md5sums")).isEmpty();
    assertThat(pkg.dataMemberName()).isEqualTo("data.tar.xz");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {Fixtures.TINY_GZ, Fixtures.TINY_NONE, Fixtures.HELLO, Fixtures.BASE_FILES})
  void sourcesOpen_deb_treeEqualsDpkgDebFsysTarfileExtract(String fixture) throws Exception {
    Fixtures.requireDpkg("dpkg-deb");
    Path out = tmp.resolve("x");
    java.nio.file.Files.createDirectories(out);
    Fixtures.run(
        "sh",
        "-c",
        "dpkg-deb --fsys-tarfile \"$1\" | tar -x -C \"$2\"",
        "sh",
        Fixtures.path(fixture).toString(),
        out.toString());
    try (Source s =
        Sources.open(
            Fixtures.path(fixture).toString(),
            new ByteArrayInputStream(new byte[0]),
            SourceOptions.defaults())) {
      assertThat(s).isInstanceOf(DebData.class);
      // GNU tar creates symlinks last and so moves their directories' mtimes: not compared
      TreeManifestAssert check =
          TreeManifestAssert.assertThat(TreeManifest.of(s.tree()))
              .ignoringAt(".", TreeManifest.Column.MODE);
      for (var e : s.tree()) {
        if (e.getValue().type() == EntryType.DIRECTORY) {
          check = check.ignoringAt(e.getKey(), TreeManifest.Column.MTIME);
        }
      }
      check.matches(TreeManifest.ofHostDirectory(out));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {Fixtures.TINY_XZ, Fixtures.SCRIPTS, Fixtures.HELLO, Fixtures.BASE_FILES})
  void dataMembers_sameNamesAndOrderAsDpkgDebContents(String fixture) throws Exception {
    Fixtures.requireDpkg("dpkg-deb");
    List<String> expected = new ArrayList<>();
    for (String line : Fixtures.run("dpkg-deb", "-c", Fixtures.path(fixture).toString()).lines()) {
      // "drwxr-xr-x root/root 0 2023-11-14 22:13 ./usr/" [-> target | link to target]
      String[] parts = line.split(" +", 6);
      String rest = parts[5];
      int arrow = rest.indexOf(" -> ");
      int link = rest.indexOf(" link to ");
      expected.add(
          arrow >= 0 ? rest.substring(0, arrow) : link >= 0 ? rest.substring(0, link) : rest);
    }
    assertThat(Fixtures.open(fixture).dataMembers())
        .extracting(DataMember::rawName)
        .containsExactlyElementsOf(expected);
  }

  @Test
  void sourceProvider_recognisesDebNotOtherAr() {
    DebSourceProvider p = new DebSourceProvider();
    assertThat(p.name()).isEqualTo("deb");
    byte[] deb =
        "!<arch>\ndebian-binary   1700000000  0     0     100644  4         `\n"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] lib =
        "!<arch>\n/               0           0     0     0       4         `\n"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertThat(p.recognises(deb)).isTrue();
    assertThat(p.recognises(lib)).isFalse();
    assertThat(p.recognises(new byte[3])).isFalse();
  }
}
