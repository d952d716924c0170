/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import static dev.jimg.cli.CliTest.run;
import static dev.jimg.cli.MkfsCommandTest.EXAMPLE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jimg.cli.CliTest.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The diff verb against real images of the example tree: exit codes as diff(1), one line each. */
class DiffCommandTest {
  @TempDir Path tmp;

  private String image(String type, String name, String... extra) {
    String path = tmp.resolve(name).toString();
    String[] args = new String[4 + extra.length];
    args[0] = "mkfs";
    args[1] = type;
    System.arraycopy(extra, 0, args, 2, extra.length);
    args[2 + extra.length] = path;
    args[3 + extra.length] = EXAMPLE;
    Run r = run(args);
    assertThat(r.code()).as(r.err()).isZero();
    return path;
  }

  @Test
  void diff_imageBuiltTwice_exitsZeroAndPrintsNothing() {
    Run r = run("diff", image("ext4", "a.img"), image("ext4", "b.img"));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEmpty();
  }

  @Test
  void diff_tarAgainstItsExt4Image_onlyLostAndFoundDiffers() {
    Run r = run("diff", EXAMPLE, image("ext4", "a.img"));
    assertThat(r.code()).isEqualTo(DiffCommand.EXIT_DIFFERENT);
    assertThat(r.out()).isEqualTo("+ lost+found" + System.lineSeparator());
    assertThat(r.err()).startsWith("jimg: 1 difference (0 only in ").contains("0 changed");
  }

  @Test
  void diff_excludeLostAndFound_tarEqualsItsExt4Image() {
    Run r = run("diff", "--exclude", "lost+found", EXAMPLE, image("ext4", "a.img"));
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).isEmpty();
  }

  @Test
  void diff_exclude_namesAtAnyDepthPathsFromTheRootAndWhatLiesBelow() throws IOException {
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    for (Path side : new Path[] {a, b}) {
      Files.createDirectories(side.resolve("var/cache/apt"));
      Files.createDirectories(side.resolve("usr/lib/py"));
      Files.writeString(side.resolve("usr/lib/py/m.py"), "code");
      Files.writeString(side.resolve("etc-keep"), "same");
    }
    Files.writeString(a.resolve("usr/lib/py/m.pyc"), "compiled 1");
    Files.writeString(b.resolve("usr/lib/py/m.pyc"), "compiled 2");
    Files.writeString(b.resolve("var/cache/apt/pkgcache.bin"), "cache");
    Files.writeString(a.resolve("machine-id"), "1");
    Files.writeString(b.resolve("machine-id"), "2");
    for (Path side : new Path[] {a, b}) {
      try (var all = Files.walk(side)) {
        for (Path p : all.toList()) {
          Files.setLastModifiedTime(p, FileTime.from(Instant.parse("2024-01-01T00:00:00Z")));
        }
      }
    }

    Run all = run("diff", a.toString(), b.toString());
    assertThat(all.out().lines())
        .containsExactly(
            "~ machine-id  content differs from byte 0",
            "~ usr/lib/py/m.pyc  content differs from byte 9",
            "+ var/cache/apt/pkgcache.bin");

    Run r =
        run(
            "diff",
            "--exclude",
            "*.pyc",
            "--exclude",
            "/var/cache/",
            "--exclude",
            "machine-id",
            a.toString(),
            b.toString());
    assertThat(r.code()).as(r.out()).isZero();

    // a pattern with a '/' is a whole path: machine-id is no longer matched below the root
    Run deep = run("diff", "--exclude", "x/machine-id", a.toString(), b.toString());
    assertThat(deep.out()).contains("~ machine-id");
  }

  @Test
  void diff_excludeNothingOrBadGlob_isUsageError() {
    assertThat(run("diff", "--exclude", "/", EXAMPLE, EXAMPLE).code()).isEqualTo(2);
    Run bad = run("diff", "--exclude", "a[b", EXAMPLE, EXAMPLE);
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--exclude: 'a[b' is not a glob");
  }

  @Test
  void diff_tarAgainstSquashfs_equalAtSquashfsTimeResolution() {
    String sq = image("squashfs", "a.sqfs");
    Run exact = run("diff", EXAMPLE, sq);
    assertThat(exact.code()).isEqualTo(DiffCommand.EXIT_DIFFERENT);
    // squashfs keeps whole seconds: the one file with nanoseconds differs
    assertThat(exact.out())
        .startsWith("~ home/user/notes.txt  mtime 2025-06-01T12:00:00.123456789Z");
    Run seconds = run("diff", "--time-resolution", "s", EXAMPLE, sq);
    assertThat(seconds.code()).as(seconds.out()).isZero();
  }

  @Test
  void diff_tarAgainstFat_reportsWhatFatCannotHold() {
    String fat = image("fat", "a.fat", "--unsupported", "skip");
    Run r = run("diff", "--ignore", "mode,owner,mtime", EXAMPLE, fat);
    assertThat(r.code()).isEqualTo(DiffCommand.EXIT_DIFFERENT);
    assertThat(r.out().lines())
        .containsExactly(
            "- bin",
            "- dev/null",
            "~ usr/bin/hello  links [usr/bin/hello, usr/bin/hello-again] -> [usr/bin/hello]",
            "~ usr/bin/hello-again  links [usr/bin/hello, usr/bin/hello-again] ->"
                + " [usr/bin/hello-again]");
  }

  @Test
  void diff_directories_contentModeAndNewFiles() throws IOException {
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    for (Path d : new Path[] {a, b}) {
      Files.createDirectories(d.resolve("etc"));
      Files.writeString(d.resolve("etc/hostname"), d == a ? "alpha\n" : "alphA\n");
      Files.setLastModifiedTime(d.resolve("etc/hostname"), FileTime.from(Instant.EPOCH));
    }
    Files.createDirectories(b.resolve("opt/x"));
    Files.writeString(b.resolve("opt/x/y"), "new");
    for (Path d : new Path[] {a.resolve("etc"), b.resolve("etc"), a, b}) {
      Files.setLastModifiedTime(d, FileTime.from(Instant.EPOCH));
    }
    Run r = run("diff", a.toString(), b.toString());
    assertThat(r.code()).isEqualTo(DiffCommand.EXIT_DIFFERENT);
    assertThat(r.out().lines())
        .containsExactly("~ etc/hostname  content differs from byte 4", "+ opt (2 entries below)");

    Run json = run("diff", "--json", a.toString(), b.toString());
    assertThat(json.out().lines())
        .containsExactly(
            "{\"path\":\"etc/hostname\",\"status\":\"changed\",\"changes\":[{\"field\":\"content\","
                + "\"left\":\"byte 4\",\"right\":\"byte 4\"}]}",
            "{\"path\":\"opt\",\"status\":\"only_right\",\"below\":2}");

    Run quiet = run("diff", "-q", a.toString(), b.toString());
    assertThat(quiet.code()).isEqualTo(DiffCommand.EXIT_DIFFERENT);
    assertThat(quiet.out() + quiet.err()).isEmpty();
  }

  @Test
  void diff_missingRight_failsBeforeReadingLeft() throws IOException {
    Path corrupt = tmp.resolve("corrupt.tar");
    Files.write(corrupt, "this is not a tar archive".repeat(100).getBytes(StandardCharsets.UTF_8));
    Run r = run("diff", corrupt.toString(), tmp.resolve("missing.img").toString());
    assertThat(r.code()).isEqualTo(DiffCommand.EXIT_TROUBLE);
    assertThat(r.err())
        .contains("missing.img: no such file or directory")
        .doesNotContain("corrupt");
  }

  @Test
  void diff_unreadableSourceOrBadOption_exitsTwo() {
    Run missing = run("diff", EXAMPLE, tmp.resolve("missing.img").toString());
    assertThat(missing.code()).isEqualTo(DiffCommand.EXIT_TROUBLE);
    assertThat(missing.err()).startsWith("jimg: ").contains("missing.img");

    Run bad = run("diff", "--time-resolution", "3s", EXAMPLE, EXAMPLE);
    assertThat(bad.code()).isEqualTo(Cli.EXIT_USAGE);
    assertThat(bad.err()).contains("'3s' is not one of ns, us, ms, s, 2s");

    Run stdin = run("diff", "-", "-");
    assertThat(stdin.code()).isEqualTo(Cli.EXIT_USAGE);
  }
}
