/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jimg.core.JimgException;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourcesTest {
  @TempDir Path dir;

  @Test
  void checkExist_acceptsDirectoriesFilesAndStandardInput() throws Exception {
    Files.writeString(dir.resolve("a.tar"), "not read");
    assertThatCode(
            () -> Sources.checkExist(List.of(dir.toString(), dir.resolve("a.tar").toString(), "-")))
        .doesNotThrowAnyException();
  }

  @Test
  void checkExist_namesTheFirstMissingSource() {
    String missing = dir.resolve("rootfs.tar").toString();
    assertThatThrownBy(() -> Sources.checkExist(List.of(dir.toString(), missing, "x")))
        .isInstanceOf(JimgException.class)
        .hasMessage(missing + ": no such file or directory");
  }

  /** The first source is corrupt and would fail if it were read: the missing second one wins. */
  @Test
  void openLayered_missingSource_failsBeforeAnySourceIsRead() throws Exception {
    Path corrupt = dir.resolve("corrupt.tar");
    Files.write(corrupt, new byte[1024]);
    Files.write(corrupt, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
    String missing = dir.resolve("missing").toString();
    assertThatThrownBy(
            () ->
                Sources.openLayered(
                    List.of(corrupt.toString(), missing),
                    new ByteArrayInputStream(new byte[0]),
                    SourceOptions.defaults(),
                    false))
        .isInstanceOf(JimgException.class)
        .hasMessage(missing + ": no such file or directory");
    assertThat(corrupt).exists();
  }

  /**
   * A directory over a file of an earlier source: the message named neither the source nor the
   * option ("x: a directory would replace a regular; allow replacing entries of another type").
   */
  @Test
  void openLayered_directoryOverFile_namesTheSourceAndReplaceOption() throws Exception {
    Path lower = dir.resolve("lower");
    Path upper = dir.resolve("upper");
    Files.createDirectories(lower.resolve("a"));
    Files.writeString(lower.resolve("a/x"), "file");
    Files.createDirectories(upper.resolve("a/x"));
    List<String> specs = List.of(lower.toString(), upper.toString());
    ByteArrayInputStream none = new ByteArrayInputStream(new byte[0]);
    assertThatThrownBy(
            () -> Sources.openLayered(specs, none, SourceOptions.defaults(), false).close())
        .isInstanceOf(dev.jimg.core.TreeConflictException.class)
        .hasMessage(
            "layering "
                + upper
                + " over the sources before it: a/x: a directory would replace a regular file"
                + " (--replace lets a later source replace a directory by a file or the reverse)");
    try (Sources.LayeredSource s =
        Sources.openLayered(specs, none, SourceOptions.defaults(), true)) {
      assertThat(s.tree().get(dev.jimg.core.tree.ImagePath.of("a/x")).type())
          .isEqualTo(dev.jimg.core.tree.EntryType.DIRECTORY);
    }
  }
}
