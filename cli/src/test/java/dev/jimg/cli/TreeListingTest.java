/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jimg.core.TreeConflictException;
import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class TreeListingTest {
  /** 2026-01-01T00:00:00Z. */
  private static final Timestamp T = Timestamp.ofSeconds(1_767_225_600L);

  private static final byte[] NON_UTF8_NAME = {'n', 'a', (byte) 0xff, 'm'};

  private static FileTree sampleTree() throws TreeConflictException {
    FileTreeBuilder b = new FileTreeBuilder();
    b.put(ImagePath.ROOT, Entry.directory(0755, T));
    b.put(ImagePath.of("bin"), Entry.symlink("usr/bin", T));
    b.put(ImagePath.of("dev"), Entry.directory(0755, T));
    b.put(ImagePath.of("dev/null"), device(EntryType.CHAR_DEVICE, 0666, 1, 3).build());
    b.put(ImagePath.of("dev/sda"), device(EntryType.BLOCK_DEVICE, 0660, 8, 0).gid(6).build());
    b.put(ImagePath.of("run/initctl"), Entry.builder(EntryType.FIFO).mode(0600).mtime(T).build());
    b.put(ImagePath.of("run/sock"), Entry.builder(EntryType.SOCKET).mode(0755).mtime(T).build());
    b.put(ImagePath.of("tmp"), Entry.directory(01777, T));
    b.put(ImagePath.of("usr/bin/su"), file(04755, "#!/bin/sh\n").build());
    b.put(ImagePath.of("usr/bin/su2"), Entry.hardlink(ImagePath.of("usr/bin/su")));
    b.put(ImagePath.of("usr/bin/wall"), file(02755, "").gid(5).build());
    b.put(
        ImagePath.of("home/max"),
        file(0600, "x")
            .uid(4_294_967_295L)
            .gid(4_294_967_294L)
            .mtime(new Timestamp(-1, 5))
            .build());
    b.put(ImagePath.of("home/later"), file(0644, "").mtime(Timestamp.ofSeconds(1L << 33)).build());
    b.put(
        ImagePath.of("home/far"),
        file(0644, "").mtime(new Timestamp(Long.MAX_VALUE, 999_999_999)).build());
    b.put(ImagePath.parse(NON_UTF8_NAME), file(0644, "").build());
    return b.build();
  }

  private static Entry.Builder file(int mode, String content) {
    return Entry.builder(EntryType.REGULAR)
        .mode(mode)
        .mtime(T)
        .content(Content.ofBytes(content.getBytes(UTF_8)));
  }

  private static Entry.Builder device(EntryType type, int mode, long major, long minor) {
    return Entry.builder(type).mode(mode).mtime(T).device(major, minor);
  }

  private static String render(TreeListing.Format format, boolean xattrs, FileTree tree)
      throws IOException {
    StringBuilder sb = new StringBuilder();
    new TreeListing(format, xattrs).write(tree, sb);
    return sb.toString();
  }

  @Test
  void write_text_everyEntryTypeOneLineInPathOrder() throws IOException {
    assertThat(render(TreeListing.Format.TEXT, false, sampleTree()).lines())
        .containsExactly(
            "d 0755 0:0 0 2026-01-01T00:00:00Z .",
            "l 0777 0:0 7 2026-01-01T00:00:00Z bin -> usr/bin",
            "d 0755 0:0 0 2026-01-01T00:00:00Z dev",
            "c 0666 0:0 0 2026-01-01T00:00:00Z dev/null 1,3",
            "b 0660 0:6 0 2026-01-01T00:00:00Z dev/sda 8,0",
            "d 0755 0:0 0 1970-01-01T00:00:00Z home",
            "- 0644 0:0 0 +292277026596-12-04T15:30:07.999999999Z home/far",
            "- 0644 0:0 0 2242-03-16T12:56:32Z home/later",
            "- 0600 4294967295:4294967294 1 1969-12-31T23:59:59.000000005Z home/max",
            "- 0644 0:0 0 2026-01-01T00:00:00Z na\\xffm",
            "d 0755 0:0 0 1970-01-01T00:00:00Z run",
            "p 0600 0:0 0 2026-01-01T00:00:00Z run/initctl",
            "s 0755 0:0 0 2026-01-01T00:00:00Z run/sock",
            "d 1777 0:0 0 2026-01-01T00:00:00Z tmp",
            "d 0755 0:0 0 1970-01-01T00:00:00Z usr",
            "d 0755 0:0 0 1970-01-01T00:00:00Z usr/bin",
            "- 4755 0:0 10 2026-01-01T00:00:00Z usr/bin/su",
            "h 4755 0:0 10 2026-01-01T00:00:00Z usr/bin/su2 link to usr/bin/su",
            "- 2755 0:5 0 2026-01-01T00:00:00Z usr/bin/wall");
  }

  @Test
  void write_json_oneObjectPerLineWithTypeFields() throws IOException {
    String out = render(TreeListing.Format.JSON, false, sampleTree());
    assertThat(out).endsWith("}\n");
    assertThat(out.lines())
        .hasSize(19)
        .contains(
            "{\"path\":\".\",\"type\":\"directory\",\"mode\":\"0755\",\"uid\":0,\"gid\":0,\"size\":0,"
                + "\"mtime\":\"2026-01-01T00:00:00Z\",\"mtime_seconds\":1767225600,"
                + "\"mtime_nanos\":0}",
            "{\"path\":\"bin\",\"type\":\"symlink\",\"mode\":\"0777\",\"uid\":0,\"gid\":0,\"size\":7,"
                + "\"mtime\":\"2026-01-01T00:00:00Z\",\"mtime_seconds\":1767225600,"
                + "\"mtime_nanos\":0,\"target\":\"usr/bin\"}",
            "{\"path\":\"dev/sda\",\"type\":\"block_device\",\"mode\":\"0660\",\"uid\":0,\"gid\":6,"
                + "\"size\":0,\"mtime\":\"2026-01-01T00:00:00Z\",\"mtime_seconds\":1767225600,"
                + "\"mtime_nanos\":0,\"major\":8,\"minor\":0}",
            "{\"path\":\"home/max\",\"type\":\"regular\",\"mode\":\"0600\",\"uid\":4294967295,"
                + "\"gid\":4294967294,\"size\":1,\"mtime\":\"1969-12-31T23:59:59.000000005Z\","
                + "\"mtime_seconds\":-1,\"mtime_nanos\":5}",
            "{\"path\":\"na\\\\xffm\",\"path_hex\":\"6e61ff6d\",\"type\":\"regular\","
                + "\"mode\":\"0644\",\"uid\":0,\"gid\":0,\"size\":0,"
                + "\"mtime\":\"2026-01-01T00:00:00Z\",\"mtime_seconds\":1767225600,"
                + "\"mtime_nanos\":0}",
            "{\"path\":\"usr/bin/su2\",\"type\":\"hardlink\",\"mode\":\"4755\",\"uid\":0,\"gid\":0,"
                + "\"size\":10,\"mtime\":\"2026-01-01T00:00:00Z\",\"mtime_seconds\":1767225600,"
                + "\"mtime_nanos\":0,\"link\":\"usr/bin/su\"}");
  }

  @Test
  void json_awkwardNamesAndTargets_areEscaped() throws IOException {
    FileTreeBuilder b = new FileTreeBuilder();
    b.put(ImagePath.of("q\"b\\s\nt\tc\u0001"), Entry.symlink("a\"\\\n", T));
    String line = render(TreeListing.Format.JSON, false, b.build()).lines().toList().get(1);
    assertThat(line)
        .startsWith(
            // ImagePath shows control bytes as \xNN and doubles the backslash; JSON then escapes
            // the backslashes and the quote; path_hex keeps the exact bytes.
            "{\"path\":\"q\\\"b\\\\\\\\s\\\\x0at\\\\x09c\\\\x01\",\"path_hex\":\"7122625c730a7409630"
                + "1\",\"type\":\"symlink\"")
        .endsWith(",\"target\":\"a\\\"\\\\\\\\\\\\x0a\",\"target_hex\":\"61225c0a\"}");
  }

  @Test
  void text_xattrs_followTheirEntry() throws IOException {
    FileTreeBuilder b = new FileTreeBuilder();
    b.put(
        ImagePath.of("bin/ping"),
        file(0755, "")
            .xattr("security.capability", new byte[] {1, 0, 0, 2, 0x20})
            .xattr("security.selinux", "system_u:object_r:ping_exec_t:s0\0".getBytes(UTF_8))
            .xattr("user.quote", "say \"hi\"\\".getBytes(UTF_8))
            .xattr("user.empty", new byte[0])
            .build());
    b.put(ImagePath.of("bin/ping2"), Entry.hardlink(ImagePath.of("bin/ping")));
    assertThat(render(TreeListing.Format.TEXT, true, b.build()).lines())
        .containsExactly(
            "d 0755 0:0 0 1970-01-01T00:00:00Z .",
            "d 0755 0:0 0 1970-01-01T00:00:00Z bin",
            "- 0755 0:0 0 2026-01-01T00:00:00Z bin/ping",
            "  xattr security.capability=0x0100000220",
            "  xattr security.selinux=\"system_u:object_r:ping_exec_t:s0\\x00\"",
            "  xattr user.empty=\"\"",
            "  xattr user.quote=\"say \\\"hi\\\"\\\\\"",
            "h 0755 0:0 0 2026-01-01T00:00:00Z bin/ping2 link to bin/ping",
            "  xattr security.capability=0x0100000220",
            "  xattr security.selinux=\"system_u:object_r:ping_exec_t:s0\\x00\"",
            "  xattr user.empty=\"\"",
            "  xattr user.quote=\"say \\\"hi\\\"\\\\\"");
  }

  @Test
  void text_withoutXattrFlag_hidesXattrs() throws IOException {
    FileTreeBuilder b = new FileTreeBuilder();
    b.put(ImagePath.of("f"), file(0644, "").xattr("user.a", new byte[] {1}).build());
    assertThat(render(TreeListing.Format.TEXT, false, b.build())).doesNotContain("xattr");
  }

  @Test
  void json_xattrs_haveHexAndTextWhenUtf8() throws IOException {
    FileTreeBuilder b = new FileTreeBuilder();
    b.put(
        ImagePath.of("f"),
        file(0644, "")
            .xattr("user.bin", new byte[] {(byte) 0xff, 0})
            .xattr("user.txt", "ü\n".getBytes(UTF_8))
            .build());
    b.put(ImagePath.of("g"), file(0644, "").build());
    var lines = render(TreeListing.Format.JSON, true, b.build()).lines().toList();
    assertThat(lines.get(1))
        .endsWith(
            ",\"xattrs\":[{\"name\":\"user.bin\",\"value_hex\":\"ff00\"},"
                + "{\"name\":\"user.txt\",\"value_hex\":\"c3bc0a\",\"value\":\"ü\\n\"}]}");
    assertThat(lines.get(2)).endsWith(",\"xattrs\":[]}");
  }

  @Test
  void octalMode_specialBits_fourDigits() {
    assertThat(TreeListing.octalMode(0)).isEqualTo("0000");
    assertThat(TreeListing.octalMode(0644)).isEqualTo("0644");
    assertThat(TreeListing.octalMode(07777)).isEqualTo("7777");
    assertThat(TreeListing.octalMode(01000)).isEqualTo("1000");
  }

  @Test
  void xattrText_nulInside_isHex() {
    assertThat(TreeListing.xattrText(new byte[] {'a', 0, 'b'})).isEqualTo("0x610062");
  }
}
