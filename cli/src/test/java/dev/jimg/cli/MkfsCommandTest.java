/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import static dev.jimg.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jimg.cli.CliTest.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The mkfs verb, end to end with the example tar and the test-only "testfs" format. */
class MkfsCommandTest {
  static final String EXAMPLE = Path.of("..", "testdata", "examples", "rootfs.tar").toString();

  @TempDir Path tmp;

  private String image() throws IOException {
    return Files.readString(tmp.resolve("out.img"), StandardCharsets.ISO_8859_1);
  }

  @Test
  void mkfs_example_writesImageAndPrintsSummary() throws IOException {
    Run r = run("mkfs", "testfs", tmp.resolve("out.img").toString(), EXAMPLE);
    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("out.img: testfs, 64 KiB (65,536 bytes), UUID ");
    assertThat(Files.size(tmp.resolve("out.img"))).isEqualTo(TestFsProvider.DEFAULT_SIZE);
    assertThat(image()).startsWith("TESTFS\n").contains("\nusr/bin/hello 33 ");
  }

  @Test
  void mkfs_formatOptions_allSpellingsReachTheFormat() throws IOException {
    Run r =
        run(
            "mkfs",
            "testfs",
            "--size",
            "128K",
            "--check",
            tmp.resolve("out.img").toString(),
            "--label=root",
            EXAMPLE);
    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();
    assertThat(Files.size(tmp.resolve("out.img"))).isEqualTo(128 * 1024);
    assertThat(image()).contains("options {check=true, label=root, size=128K}");
    assertThat(r.out()).contains("label 'root'");
  }

  @Test
  void mkfs_twice_identicalBytes_andSeedChangesIdentity() throws IOException {
    run("mkfs", "testfs", tmp.resolve("a.img").toString(), EXAMPLE);
    run("mkfs", "testfs", tmp.resolve("b.img").toString(), EXAMPLE);
    run("mkfs", "testfs", "--seed", "demo", tmp.resolve("c.img").toString(), EXAMPLE);
    byte[] a = Files.readAllBytes(tmp.resolve("a.img"));
    assertThat(Files.readAllBytes(tmp.resolve("b.img"))).isEqualTo(a);
    assertThat(Files.readAllBytes(tmp.resolve("c.img"))).isNotEqualTo(a);
  }

  @Test
  void mkfs_sourceDateEpoch_setsTimeAndClamps() throws IOException {
    Run r =
        run(
            Map.of("SOURCE_DATE_EPOCH", "1704067200"),
            "mkfs",
            "testfs",
            tmp.resolve("out.img").toString(),
            EXAMPLE);
    assertThat(r.code()).isZero();
    // the example's files are from 2025-2026: all clamped to 2024-01-01
    assertThat(image())
        .contains("time 2024-01-01T00:00:00Z\n")
        .contains("\nusr/bin/hello 33 2024-01-01T00:00:00Z\n");
  }

  @Test
  void mkfs_explicitTime_overridesSourceDateEpoch() throws IOException {
    Run r =
        run(
            Map.of("SOURCE_DATE_EPOCH", "1704067200"),
            "mkfs",
            "testfs",
            "--time",
            "@1000",
            tmp.resolve("out.img").toString(),
            EXAMPLE);
    assertThat(r.code()).isZero();
    assertThat(image()).contains("time 1970-01-01T00:16:40Z\n");
  }

  @Test
  void mkfs_malformedSourceDateEpoch_failsNamingIt() {
    Run r =
        run(
            Map.of("SOURCE_DATE_EPOCH", "yesterday"),
            "mkfs",
            "testfs",
            tmp.resolve("out.img").toString(),
            EXAMPLE);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).startsWith("jimg: ").contains("SOURCE_DATE_EPOCH").contains("yesterday");
    assertThat(tmp.resolve("out.img")).doesNotExist();
  }

  @Test
  void mkfs_failureDuringWrite_leavesNoFileBehind() throws IOException {
    Run r = run("mkfs", "testfs", "--fail-after-write", tmp.resolve("out.img").toString(), EXAMPLE);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("jimg: testfs: failing after the write, as asked\n");
    try (Stream<Path> left = Files.list(tmp)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void mkfs_outOfMemory_saysHowToGiveMoreHeap_andLeavesNoFileBehind() throws IOException {
    Run r =
        run(
            "mkfs",
            "testfs",
            "--out-of-memory-after-write",
            tmp.resolve("out.img").toString(),
            EXAMPLE);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .startsWith("jimg: out of memory (Java heap space): this run could use at most ")
        .contains(" MiB of Java heap")
        .contains("JIMG_JAVA_OPTS=-Xmx4g")
        .endsWith("\n")
        .hasLineCount(1);
    try (Stream<Path> left = Files.list(tmp)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void mkfs_unknownFormatOption_failsListingKnownOnes() {
    Run r = run("mkfs", "testfs", "--blocksize", "4096", tmp.resolve("o.img").toString(), EXAMPLE);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("blocksize").contains("known options: check, fail-after-write");
  }

  /** A mistyped option that swallows IMAGE as its value is named, rather than IMAGE missed. */
  @Test
  void mkfs_unknownOptionTakingTheImage_namesTheOption() {
    Run r = run("mkfs", "ext4", "--lable", tmp.resolve("o.img").toString(), EXAMPLE);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .contains("unknown option 'lable'")
        .contains("label")
        .doesNotContain("Missing IMAGE");
    assertThat(tmp.resolve("o.img")).doesNotExist();
  }

  /**
   * A malformed value fails before any source is read: the source here does not exist, and the
   * message is about the option, not about the source.
   */
  @ParameterizedTest
  @CsvSource({
    "ext4, --block-size, 3000, block-size",
    "ext2, --inode-size, 100, inode-size",
    "squashfs, --compression, brotli, brotli",
    "squashfs, --level, 99, level",
    "fat, --fat, 13, fat",
    "ext4, --time, yesterday, --time"
  })
  void mkfs_badOptionValue_failsBeforeReadingSources(
      String type, String option, String value, String named) {
    String missing = tmp.resolve("no-such-source").toString();
    Run r = run("mkfs", type, option, value, tmp.resolve("o.img").toString(), missing);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains(named).contains(value).doesNotContain("no-such-source");
    assertThat(tmp.resolve("o.img")).doesNotExist();
  }

  @Test
  void mkfs_outputInMissingDirectory_failsBeforeReadingSources() {
    String missing = tmp.resolve("no-such-source").toString();
    Run r = run("mkfs", "ext4", tmp.resolve("no-dir/o.img").toString(), missing);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .contains("o.img: no such directory: " + tmp.resolve("no-dir"))
        .doesNotContain("no-such-source")
        .doesNotContain("jimg-tmp");
  }

  @Test
  void mkfs_missingLaterSource_failsBeforeReadingEarlierOnes() throws IOException {
    Path corrupt = tmp.resolve("corrupt.tar");
    Files.write(corrupt, "this is not a tar archive".repeat(100).getBytes(StandardCharsets.UTF_8));
    String missing = tmp.resolve("no-such-source").toString();
    Run r = run("mkfs", "ext4", tmp.resolve("o.img").toString(), corrupt.toString(), missing);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains(missing + ": no such file or directory").doesNotContain("corrupt");
  }

  @Test
  void mkfs_badManifest_failsBeforeReadingSources() throws IOException {
    Path corrupt = tmp.resolve("corrupt.tar");
    Files.write(corrupt, "this is not a tar archive".repeat(100).getBytes(StandardCharsets.UTF_8));
    Path manifest = tmp.resolve("bad.manifest");
    Files.writeString(manifest, "frobnicate /x\n");
    Run r =
        run(
            "mkfs",
            "ext4",
            "--manifest",
            manifest.toString(),
            tmp.resolve("o.img").toString(),
            corrupt.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains(manifest + ":1:").doesNotContain("corrupt");
  }

  @Test
  void mkfs_unknownType_failsListingTypes() {
    Run r = run("mkfs", "ntfs", tmp.resolve("o.img").toString(), EXAMPLE);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("ntfs").contains("testfs");
  }

  @Test
  void mkfs_missingSource_isUsageError() {
    Run r = run("mkfs", "testfs", tmp.resolve("o.img").toString());
    assertThat(r.code()).isEqualTo(2);
  }

  @Test
  void mkfs_help_listsFormatsAndTheirOptions() {
    Run r = run("mkfs", "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .startsWith("Usage: jimg mkfs")
        .contains("Options of testfs (a listing, for tests):")
        .contains("--size V")
        .contains("--check ")
        .contains("jimg mkfs ext4 root.img rootfs.tar");
    assertThat(r.out().lines()).allSatisfy(l -> assertThat(l).hasSizeLessThanOrEqualTo(80));
  }

  @Test
  void optionLines_longTextWrapsUnderItsColumn() {
    assertThat(
            MkfsCommand.optionLines(
                "--drop-acls",
                "leave out POSIX ACLs (system.posix_acl_* xattrs), which squashfs cannot store,"
                    + " instead of refusing them (mksquashfs drops them with a warning)"))
        .containsExactly(
            "  --drop-acls              leave out POSIX ACLs (system.posix_acl_* xattrs),",
            "                           which squashfs cannot store, instead of refusing them",
            "                           (mksquashfs drops them with a warning)");
    assertThat(MkfsCommand.optionLines("--a-very-long-option-name V", "text"))
        .containsExactly("  --a-very-long-option-name V", "                           text");
  }

  @Test
  void lsManifestOption_addsDeviceAndChangesOwner() throws IOException {
    Path manifest = tmp.resolve("m.txt");
    Files.writeString(
        manifest, "/dev/console c 0600 0 5 5 1\n/usr/** m - 7 7\n", StandardCharsets.UTF_8);
    Run r = run("ls", "--manifest", manifest.toString(), EXAMPLE);
    assertThat(r.err()).isEmpty();
    assertThat(r.out())
        .contains("c 0600 0:5 0 1970-01-01T00:00:00Z dev/console 5,1\n")
        .contains(" 7:7 ")
        .doesNotContain("0:0 33 2026-01-01T00:00:00Z usr/bin/hello\n");
  }
}
