/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExitCleanupTest {
  @TempDir Path tmp;

  @Test
  void run_stopsOwnersThenDeletesWhatIsStillRegistered() throws IOException {
    Path file = Files.writeString(tmp.resolve("spool"), "x", StandardCharsets.UTF_8);
    Path dir = Files.createDirectories(tmp.resolve("tree/a/b"));
    Files.writeString(dir.resolve("f"), "y", StandardCharsets.UTF_8);
    Files.setAttribute(dir, "unix:mode", 0555); // read-only below: still emptied
    Path kept = Files.writeString(tmp.resolve("committed"), "z", StandardCharsets.UTF_8);
    AtomicBoolean stopped = new AtomicBoolean();
    ExitCleanup.register(file);
    ExitCleanup.register(tmp.resolve("tree"), () -> stopped.set(true));
    ExitCleanup.register(kept);
    ExitCleanup.deregister(kept);

    ExitCleanup.run();

    assertThat(stopped).isTrue();
    assertThat(file).doesNotExist();
    assertThat(tmp.resolve("tree")).doesNotExist();
    assertThat(kept).hasContent("z");
    assertThat(ExitCleanup.isRegistered(file)).isFalse();
  }

  @Test
  void atomicOutput_registeredUntilCommittedOrClosed() throws IOException {
    Path target = tmp.resolve("a.img");
    try (AtomicOutput out = AtomicOutput.create(target)) {
      assertThat(ExitCleanup.isRegistered(out.temporaryFile())).isTrue();
      out.channel().write(ByteBuffer.wrap(new byte[] {1}), 0);
      out.commit();
      assertThat(ExitCleanup.isRegistered(out.temporaryFile())).isFalse();
    }
    Path other = tmp.resolve("b.img");
    Path temporary;
    try (AtomicOutput out = AtomicOutput.create(other)) {
      temporary = out.temporaryFile();
    }
    assertThat(ExitCleanup.isRegistered(temporary)).isFalse();
    assertThat(temporary).doesNotExist();
    assertThat(target).exists();
  }

  @Test
  void atomicOutput_shutdownBeforeCommit_leavesNoTemporaryFile() throws IOException {
    Path target = tmp.resolve("c.img");
    AtomicOutput out = AtomicOutput.create(target);
    out.channel().write(ByteBuffer.wrap(new byte[4096]), 1 << 20);
    ExitCleanup.run(); // what the shutdown hook does on Ctrl-C
    assertThat(out.temporaryFile()).doesNotExist();
    assertThat(target).doesNotExist();
    out.close();
  }
}
