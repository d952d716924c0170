/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import static dev.jimg.cli.CliTest.run;
import static dev.jimg.cli.MkfsCommandTest.EXAMPLE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jimg.cli.CliTest.Run;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cat verb: file contents out of images, byte for byte, links followed inside the tree. */
class CatCommandTest {
  @TempDir Path tmp;

  private String ext4(String source) {
    String image = tmp.resolve("root-" + Math.abs(source.hashCode()) + ".img").toString();
    Run r = run("mkfs", "ext4", "-q", image, source);
    assertThat(r.code()).as(r.err()).isZero();
    return image;
  }

  @Test
  void cat_filesFromAnImage_concatenatedInOrder_linksFollowed() {
    String image = ext4(EXAMPLE);
    Run r = run("cat", image, "/etc/hostname", "etc/passwd");
    assertThat(r.code()).as(r.err()).isZero();
    Run fromTar = run("cat", EXAMPLE, "etc/hostname", "etc/passwd");
    assertThat(r.out())
        .isEqualTo(fromTar.out())
        .startsWith("jimg-example\n")
        .contains("root:x:0:0");
    // bin -> usr/bin in the tree
    assertThat(run("cat", image, "bin/hello").out())
        .isEqualTo(run("cat", image, "usr/bin/hello").out());
  }

  @Test
  void cat_binaryContent_isWrittenByteForByte() throws IOException {
    Path dir = tmp.resolve("tree");
    Files.createDirectories(dir);
    byte[] all = new byte[70_000];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) (i * 31 + (i >> 8));
    }
    Files.write(dir.resolve("blob"), all);
    String image = ext4(dir.toString());
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    StringWriter text = new StringWriter();
    int code =
        Cli.run(
            new String[] {"cat", image, "blob"},
            new ByteArrayInputStream(new byte[0]),
            raw,
            new PrintWriter(text),
            new PrintWriter(text),
            Map.of(),
            false);
    assertThat(code).as(text.toString()).isZero();
    assertThat(raw.toByteArray()).isEqualTo(all);
  }

  @Test
  void cat_anyPathNotARegularFile_failsBeforeWritingAnything() {
    String image = ext4(EXAMPLE);
    Run missing = run("cat", image, "etc/hostname", "etc/nope");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.out()).isEmpty();
    assertThat(missing.err())
        .isEqualTo("jimg: " + image + ": etc/nope: no such file in the tree\n");

    Run dir = run("cat", image, "etc");
    assertThat(dir.err()).contains("etc: is a directory, not a regular file");
    Run device = run("cat", image, "dev/null");
    assertThat(device.err()).contains("dev/null: is a char device, not a regular file");
    Run outside = run("cat", image, "../etc/passwd");
    assertThat(outside.code()).isEqualTo(1);
    assertThat(outside.err()).contains("not a path inside the image");
  }

  @Test
  void cat_disk_absoluteLinksResolveInsideTheirPartition() throws IOException {
    // /etc/localtime -> /usr/share/zoneinfo/... in a Debian root: it failed with "a symbolic link
    // that leads nowhere", the target being looked up from the disk's root
    Path tree = tmp.resolve("tree");
    Files.createDirectories(tree.resolve("usr/bin"));
    Files.createDirectories(tree.resolve("etc"));
    Files.writeString(tree.resolve("usr/bin/real"), "inside\n");
    Files.createSymbolicLink(tree.resolve("etc/abs"), Path.of("/usr/bin/real"));
    Files.createSymbolicLink(tree.resolve("etc/up"), Path.of("../../../../usr/bin/real"));
    Path spec = tmp.resolve("disk.yaml");
    Files.writeString(
        spec, "partitions:\n  - {name: a, filesystem: ext4, sources: [" + tree + "]}\n");
    String disk = tmp.resolve("disk.img").toString();
    Run made = run("disk", disk, "--spec", spec.toString());
    assertThat(made.code()).as(made.err()).isZero();
    Run r = run("cat", disk, "1/etc/abs", "/1/etc/up", "1/usr/bin/real");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("inside\ninside\ninside\n");
  }
}
