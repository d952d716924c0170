/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import static dev.jimg.cli.CliTest.run;
import static dev.jimg.cli.MkfsCommandTest.EXAMPLE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jimg.cli.CliTest.Run;
import dev.jimg.testdata.GnuTar;
import dev.jimg.testdata.Tool;
import dev.jimg.testdata.TreeManifest;
import dev.jimg.testdata.TreeManifestAssert;
import dev.jimg.testdata.Validators;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The extract verb: a tree into a new host directory, judged against GNU tar's extraction. */
class ExtractCommandTest {
  @TempDir Path tmp;

  @Test
  void extract_exampleTar_equalsGnuTarsExtraction_butTheDevice() throws IOException {
    Validators.require(Tool.TAR, Tool.GETFATTR);
    Validators.requireRoot();
    Path out = tmp.resolve("out");
    Run r = run("extract", "--unsupported", "skip", EXAMPLE, out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo(out + ": 19 entries, owners kept, 1 skipped\n");
    assertThat(r.err()).isEmpty();

    Path ref = tmp.resolve("ref");
    GnuTar.extract(Path.of(EXAMPLE), ref);
    TreeManifestAssert.assertThat(TreeManifest.ofHostDirectory(out))
        .matches(TreeManifest.ofHostDirectory(ref).without("dev/null"));

    // and jimg's own comparison agrees: only the device differs
    Run diff = run("diff", EXAMPLE, out.toString());
    assertThat(diff.out()).isEqualTo("- dev/null\n");
  }

  @Test
  void extract_ofAnImage_layeredWithADirectory() throws IOException {
    String image = tmp.resolve("root.img").toString();
    assertThat(run("mkfs", "ext4", "-q", image, EXAMPLE).code()).isZero();
    Path overlay = Files.createDirectories(tmp.resolve("overlay/etc"));
    Files.writeString(overlay.resolve("hostname"), "layered\n");
    Path out = tmp.resolve("out");
    Run r =
        run(
            "extract",
            "-q",
            "--unsupported",
            "skip",
            image,
            tmp.resolve("overlay").toString(),
            out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(Files.readString(out.resolve("etc/hostname"))).isEqualTo("layered\n");
    assertThat(out.resolve("lost+found")).isDirectory();
    assertThat(Files.readSymbolicLink(out.resolve("bin")).toString()).isEqualTo("usr/bin");
  }

  @Test
  void extract_deviceWithoutSkip_orTargetNotEmpty_failsAndWritesNothing() throws IOException {
    Path out = tmp.resolve("out");
    Run device = run("extract", EXAMPLE, out.toString());
    assertThat(device.code()).isEqualTo(1);
    assertThat(device.err())
        .startsWith("jimg: " + out + ": a JVM cannot make device nodes, fifos or sockets")
        .contains("(1: dev/null)")
        .contains("--unsupported skip");
    assertThat(out).doesNotExist();

    Path full = Files.createDirectories(tmp.resolve("full"));
    Files.writeString(full.resolve("mine"), "keep");
    Run notEmpty = run("extract", "--unsupported", "skip", EXAMPLE, full.toString());
    assertThat(notEmpty.code()).isEqualTo(1);
    assertThat(notEmpty.err()).contains("exists and is not an empty directory");
    assertThat(Files.readString(full.resolve("mine"))).isEqualTo("keep");
    try (var s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("full");
    }

    Run bad = run("extract", "--owners", "maybe", EXAMPLE, out.toString());
    assertThat(bad.code()).isEqualTo(Cli.EXIT_USAGE);
    assertThat(bad.err()).contains("--owners: 'maybe' is not auto, keep or skip");

    // the destination is checked before any source is read: these sources do not exist
    String missing = tmp.resolve("no-such-source.deb").toString();
    Run noParent = run("extract", missing, tmp.resolve("no-dir/out").toString());
    assertThat(noParent.code()).isEqualTo(1);
    assertThat(noParent.err())
        .contains(
            "out: cannot be made in " + tmp.resolve("no-dir") + " (no such file or directory)")
        .doesNotContain("no-such-source");
    Run stillFull = run("extract", missing, full.toString());
    assertThat(stillFull.err())
        .contains("exists and is not an empty directory")
        .doesNotContain("no-such-source");
  }
}
