/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CdsTrainingTest {
  @TempDir Path dir;

  /** A training command that failed part way would leave its later classes out of the archive. */
  @Test
  void commands_allSucceedOnTheExampleTarAndATree_andWriteEachImage() throws IOException {
    for (List<String> command : CdsTraining.commands(MkfsCommandTest.EXAMPLE, dir)) {
      StringWriter text = new StringWriter();
      int code = CdsTraining.run(command, text);
      assertThat(code).as("%s: %s", command, text).isZero();
    }
    assertThat(dir.resolve("a.ext4")).isNotEmptyFile();
    assertThat(dir.resolve("b.sqfs")).isNotEmptyFile();
    assertThat(dir.resolve("c.fat")).isNotEmptyFile();
    assertThat(dir.resolve("d.ext4")).isNotEmptyFile();
    assertThat(dir.resolve("e.sqfs")).isNotEmptyFile();
    assertThat(dir.resolve("f.fat")).isNotEmptyFile();
  }
}
