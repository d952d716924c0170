/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.testdata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class TreeManifestTest {
  private static FileTree ping(int mode, Timestamp mtime) throws Exception {
    return new FileTreeBuilder()
        .put(
            ImagePath.of("usr/bin/ping"),
            Entry.builder(EntryType.REGULAR)
                .mode(mode)
                .uid(0)
                .gid(70_000)
                .mtime(mtime)
                .xattr("user.b", new byte[] {2})
                .xattr("security.capability", TreeArbitrariesProperties.CAP)
                .content(Content.ofBytes("ping".getBytes(StandardCharsets.US_ASCII)))
                .build())
        .put(ImagePath.of("usr/bin/a-ping"), Entry.hardlink(ImagePath.of("usr/bin/ping")))
        .put(ImagePath.of("dev/x"), Entry.builder(EntryType.CHAR_DEVICE).device(5, 6).build())
        .put(ImagePath.of("l"), Entry.symlink("usr/bin/ping", Timestamp.EPOCH))
        .build();
  }

  @Test
  void of_tree_oneSortedLinePerEntryWithEveryColumn() throws Exception {
    TreeManifest m = TreeManifest.of(ping(04755, new Timestamp(-1, 5)));
    String sha =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest("ping".getBytes(StandardCharsets.US_ASCII)));

    assertThat(m.lines().stream().map(l -> l.path().toString()).toList())
        .containsExactly(
            ".", "dev", "dev/x", "l", "usr", "usr/bin", "usr/bin/a-ping", "usr/bin/ping");
    assertThat(m.get(ImagePath.of("usr/bin/a-ping")).toString())
        .isEqualTo(
            "usr/bin/a-ping\tf\t4755\t0\t70000\t-1.000000005\t4\t"
                + sha
                + "\t-\t-\tsecurity.capability=0100000200200000000000000000000000000000,user.b=02"
                + "\tusr/bin/a-ping");
    assertThat(m.get(ImagePath.of("usr/bin/ping")).linkGroup()).isEqualTo("usr/bin/a-ping");
    assertThat(m.get(ImagePath.of("dev/x")).device()).isEqualTo("5:6");
    assertThat(m.get(ImagePath.of("l")).target()).isEqualTo("usr/bin/ping");
    assertThat(m.get(ImagePath.of("l")).size()).isEqualTo(12);
  }

  @Test
  void diff_modeDiffers_namesPathColumnAndBothValues() throws Exception {
    TreeManifest expected = TreeManifest.of(ping(04755, Timestamp.EPOCH));
    TreeManifest actual = TreeManifest.of(ping(0755, Timestamp.EPOCH));

    assertThat(TreeManifest.diff(expected, actual, TreeManifest.Comparison.exact()))
        .containsExactly("usr/bin/a-ping: mode 4755 != 0755", "usr/bin/ping: mode 4755 != 0755");
    assertThat(
            TreeManifest.diff(
                expected,
                actual,
                TreeManifest.Comparison.exact().ignoring(TreeManifest.Column.MODE)))
        .isEmpty();
  }

  @Test
  void diff_missingAndUnexpectedEntries_areReported() throws Exception {
    TreeManifest expected = TreeManifest.of(ping(0755, Timestamp.EPOCH));
    TreeManifest actual = TreeManifest.of(FileTree.empty());

    List<String> d = TreeManifest.diff(expected, actual, TreeManifest.Comparison.exact());
    List<String> reverse = TreeManifest.diff(actual, expected, TreeManifest.Comparison.exact());

    assertThat(d)
        .contains("dev: missing (expected dev\td\t0755\t0\t0\t0.000000000\t0\t-\t-\t-\t-\t-)");
    assertThat(reverse).anyMatch(s -> s.startsWith("usr/bin/ping: unexpected ("));
    assertThat(actual.without("usr").size()).isEqualTo(1);
    assertThat(expected.without("usr").size()).isEqualTo(4);
  }

  @Test
  void comparison_mtimeGranularity_roundsDown() throws Exception {
    TreeManifest a = TreeManifest.of(ping(0755, new Timestamp(10, 999_999_999)));
    TreeManifest b = TreeManifest.of(ping(0755, new Timestamp(10, 0)));
    TreeManifest c = TreeManifest.of(ping(0755, new Timestamp(11, 0)));
    TreeManifest neg = TreeManifest.of(ping(0755, new Timestamp(-1, 500)));
    TreeManifest negWhole = TreeManifest.of(ping(0755, new Timestamp(-2, 0)));
    TreeManifest.Comparison exact = TreeManifest.Comparison.exact();

    assertThat(TreeManifest.diff(a, b, exact)).hasSize(2);
    assertThat(TreeManifest.diff(a, b, exact.mtimeSeconds())).isEmpty();
    assertThat(TreeManifest.diff(b, c, exact.mtimeSeconds())).hasSize(2);
    assertThat(TreeManifest.diff(b, c, exact.mtimeGranularity(Duration.ofSeconds(2)))).isEmpty();
    assertThat(TreeManifest.diff(neg, negWhole, exact.mtimeGranularity(Duration.ofSeconds(2))))
        .isEmpty();
    assertThat(TreeManifest.diff(a, b, exact.ignoringAt("usr/bin/ping", TreeManifest.Column.MTIME)))
        .containsExactly("usr/bin/a-ping: mtime 10.999999999 != 10.000000000");
    assertThatThrownBy(() -> exact.mtimeGranularity(Duration.ofMillis(1500)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void assertion_manyDifferences_listsFirstN() throws Exception {
    FileTreeBuilder b1 = new FileTreeBuilder();
    FileTreeBuilder b2 = new FileTreeBuilder();
    for (int i = 0; i < 50; i++) {
      b1.put(ImagePath.of("f" + i), Entry.file(0644, Timestamp.EPOCH, Content.zeros(i)));
      b2.put(ImagePath.of("f" + i), Entry.file(0600, Timestamp.EPOCH, Content.zeros(i)));
    }
    TreeManifest expected = TreeManifest.of(b1.build());
    TreeManifest actual = TreeManifest.of(b2.build());

    assertThatThrownBy(
            () -> TreeManifestAssert.assertThat(actual).showingAtMost(5).matches(expected))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("50 difference(s) (expected != actual)")
        .hasMessageContaining("f0: mode 0644 != 0600")
        .hasMessageContaining("... and 45 more");
    TreeManifestAssert.assertThat(actual).ignoring(TreeManifest.Column.MODE).matches(expected);
  }

  @Test
  void ofLines_roundTripsLines_andRejectsDuplicates() throws Exception {
    TreeManifest m = TreeManifest.of(ping(0755, Timestamp.EPOCH));
    List<TreeManifest.Line> lines = new ArrayList<>(m.lines());

    assertThat(TreeManifest.ofLines(lines)).isEqualTo(m);
    lines.add(lines.get(0));
    assertThatThrownBy(() -> TreeManifest.ofLines(lines))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void hostScan_deviceNumbersAndEscapes_decode() {
    long major = 4095;
    long minor = 1_048_575;
    long rdev =
        ((major & 0xfffff000L) << 32)
            | ((major & 0xfffL) << 8)
            | ((minor & 0xffffff00L) << 12)
            | (minor & 0xffL);

    assertThat(HostScan.major(rdev)).isEqualTo(major);
    assertThat(HostScan.minor(rdev)).isEqualTo(minor);
    assertThat(HostScan.unescape("a\\134b\\012\\377".getBytes(StandardCharsets.ISO_8859_1)))
        .isEqualTo(new byte[] {'a', '\\', 'b', '\n', (byte) 0xff});
    assertThat(
            HostScan.mtime(new Timestamp(15_032_385_534L, 999_999_000), "15032385534.9999999990"))
        .isEqualTo(new Timestamp(15_032_385_534L, 999_999_999));
  }
}
