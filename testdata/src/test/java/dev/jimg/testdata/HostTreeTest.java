/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.testdata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.Extent;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostTreeTest {
  @TempDir Path tmp;

  static FileTree everyType() throws IOException {
    byte[] odd = {'b', 'a', 'd', (byte) 0xff, '\n', '\'', 'x'};
    return new FileTreeBuilder()
        .put(
            ImagePath.ROOT,
            Entry.builder(EntryType.DIRECTORY)
                .mode(0750)
                .uid(7)
                .gid(8)
                .mtime(new Timestamp(1_000_000_000, 123))
                .build())
        .put(
            ImagePath.of("usr/bin/ping"),
            Entry.builder(EntryType.REGULAR)
                .mode(04755)
                .uid(0)
                .gid(100_000)
                .mtime(new Timestamp(-1, 500_000_000))
                .xattr("security.capability", TreeArbitrariesProperties.CAP)
                .xattr("user.empty", new byte[0])
                .content(Content.ofBytes("ping".getBytes(StandardCharsets.US_ASCII)))
                .build())
        .put(ImagePath.of("usr/bin/ping6"), Entry.hardlink(ImagePath.of("usr/bin/ping")))
        .put(
            ImagePath.parse(odd),
            Entry.builder(EntryType.SYMLINK)
                .mode(0777)
                .uid(70_000)
                .gid(3)
                .mtime(new Timestamp((1L << 34) - (1L << 31) - 2, 999_999_999))
                .xattr("trusted.t", new byte[] {1, 2})
                .symlinkTarget(odd)
                .build())
        .put(
            ImagePath.of("dev/null"),
            Entry.builder(EntryType.CHAR_DEVICE).mode(0666).device(1, 3).build())
        .put(
            ImagePath.of("dev/sda1"),
            Entry.builder(EntryType.BLOCK_DEVICE).mode(0660).device(8, 1).build())
        .put(
            ImagePath.of("dev/big"),
            Entry.builder(EntryType.BLOCK_DEVICE).mode(0600).device(4095, 1_048_575).build())
        .put(ImagePath.of("run/fifo"), Entry.builder(EntryType.FIFO).mode(0620).build())
        .put(
            ImagePath.of("run/sock"),
            Entry.builder(EntryType.SOCKET)
                .mode(0777)
                .mtime(Timestamp.ofSeconds(-(1L << 31)))
                .build())
        .put(
            ImagePath.of("tmp"),
            Entry.builder(EntryType.DIRECTORY)
                .mode(01777)
                .xattr("user.dir", new byte[] {9})
                .mtime(Timestamp.ofSeconds(0xFFFF_FFFFL))
                .build())
        .put(
            ImagePath.of("var/sparse"),
            Entry.builder(EntryType.REGULAR)
                .mode(0600)
                .content(
                    SeededContent.sparse(
                        1 << 20,
                        42,
                        SeededContent.Fill.RANDOM,
                        List.of(new Extent(4096, 100), new Extent(65536, 8192))))
                .build())
        .build();
  }

  @Test
  void write_everyEntryType_readsBackIdentically() throws IOException {
    FileTree tree = everyType();
    Path dir = tmp.resolve("t");
    HostTree.write(tree, dir);

    TreeManifest host = TreeManifest.ofHostDirectory(dir);

    TreeManifestAssert.assertThat(host).matches(TreeManifest.of(tree));
    assertThat(host.get(ImagePath.of("usr/bin/ping6")).linkGroup()).isEqualTo("usr/bin/ping");
    assertThat(host.get(ImagePath.of("dev/big")).device()).isEqualTo("4095:1048575");
  }

  @Test
  void write_sparseFile_allocatesOnlyItsExtents() throws IOException {
    FileTree tree = everyType();
    Path dir = tmp.resolve("t");
    HostTree.write(tree, dir);

    Exec.Result du = Exec.run("du", "-k", "--", dir.resolve("var/sparse").toString()).requireOk();
    long kib = Long.parseLong(du.text().split("\\s+")[0]);
    assertThat(kib).isLessThan(64);
    assertThat(Files.size(dir.resolve("var/sparse"))).isEqualTo(1 << 20);
  }

  @Test
  void write_nonEmptyDirectory_refuses() throws IOException {
    Files.createDirectories(tmp.resolve("d"));
    Files.writeString(tmp.resolve("d/x"), "x");

    assertThatThrownBy(() -> HostTree.write(FileTree.empty(), tmp.resolve("d")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not empty");
  }

  @Test
  void touchTime_negativeWithNanos_isExactDecimal() {
    assertThat(HostTree.touchTime(new Timestamp(-2, 500_000_000))).isEqualTo("-1.500000000");
    assertThat(HostTree.touchTime(new Timestamp(-1, 1))).isEqualTo("-0.999999999");
    assertThat(HostTree.touchTime(new Timestamp(5, 7))).isEqualTo("5.000000007");
    assertThat(HostTree.touchTime(Timestamp.ofSeconds(-9))).isEqualTo("-9");
  }

  @Test
  void quote_singleQuote_isEscapedForSh() {
    assertThat(
            new String(
                HostTree.quote("it's".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8))
        .isEqualTo("'it'\\''s'");
  }

  @Test
  void write_namesThatLookLikeOptions_areTakenLiterally() throws IOException {
    FileTree tree =
        new FileTreeBuilder()
            .put(
                ImagePath.of("-"),
                Entry.file(0644, Timestamp.ofSeconds(5), Content.ofBytes(new byte[] {1})))
            .put(ImagePath.of("--help"), Entry.directory(0700, Timestamp.ofSeconds(6)))
            .put(ImagePath.of("-n"), Entry.symlink("-", Timestamp.ofSeconds(7)))
            .build();
    Path dir = tmp.resolve("t");

    HostTree.write(tree, dir);

    TreeManifestAssert.assertThat(TreeManifest.ofHostDirectory(dir)).matches(tree);
  }
}
