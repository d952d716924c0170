/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jimg.core.JimgException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicOutputTest {
  @TempDir Path dir;

  private static ByteBuffer text(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  private long filesIn(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.count();
    }
  }

  @Test
  void checkTarget_acceptsAFileNameInAWritableDirectory() throws Exception {
    AtomicOutput.checkTarget(dir.resolve("root.img"));
    Files.writeString(dir.resolve("old.img"), "an image to replace");
    AtomicOutput.checkTarget(dir.resolve("old.img"));
  }

  @Test
  void checkTarget_refusesMissingDirectoryAFileAsDirectoryAndADirectoryTarget() throws Exception {
    assertThatThrownBy(() -> AtomicOutput.checkTarget(dir.resolve("no/such/root.img")))
        .isInstanceOf(JimgException.class)
        .hasMessageContaining("root.img: no such directory: " + dir.resolve("no/such"));
    Files.writeString(dir.resolve("file"), "x");
    assertThatThrownBy(() -> AtomicOutput.checkTarget(dir.resolve("file/root.img")))
        .isInstanceOf(JimgException.class)
        .hasMessageContaining("not in a directory: " + dir.resolve("file"));
    Files.createDirectory(dir.resolve("images"));
    assertThatThrownBy(() -> AtomicOutput.checkTarget(dir.resolve("images")))
        .isInstanceOf(JimgException.class)
        .hasMessageContaining("images: is a directory");
    assertThat(dir.resolve("no")).doesNotExist();
  }

  @Test
  void checkTargetAndCreate_refuseADeviceInsteadOfReplacingIt() throws Exception {
    // a block device (jimg disk /dev/sdX) was replaced by a regular file holding the image
    Path device = Path.of("/dev/null");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.exists(device) && !Files.isRegularFile(device), "no /dev/null device");
    String message =
        "/dev/null: not a regular file (a device, fifo or socket); jimg writes images to files,"
            + " which it replaces: write to a file and copy that to the device (dd if=IMAGE"
            + " of=/dev/null bs=4M conv=fsync)";
    assertThatThrownBy(() -> AtomicOutput.checkTarget(device))
        .isInstanceOf(JimgException.class)
        .hasMessage(message);
    assertThatThrownBy(() -> AtomicOutput.create(device))
        .isInstanceOf(JimgException.class)
        .hasMessage(message);
    assertThat(Path.of("/dev/.null" + AtomicOutput.TEMP_SUFFIX)).doesNotExist();
    assertThat(Files.isRegularFile(device)).isFalse();
  }

  @Test
  void create_writesToHiddenTemporaryBesideTarget() throws Exception {
    Path target = dir.resolve("root.img");
    try (AtomicOutput out = AtomicOutput.create(target)) {
      assertThat(out.temporaryFile()).isEqualTo(dir.resolve(".root.img.jimg-tmp").toAbsolutePath());
      assertThat(out.temporaryFile()).exists();
      assertThat(target).doesNotExist();
    }
  }

  @Test
  void commit_movesImageIntoPlaceAndLeavesNoTemporary() throws Exception {
    Path target = dir.resolve("root.img");
    Files.writeString(target, "old image");
    try (AtomicOutput out = AtomicOutput.create(target)) {
      out.channel().write(text("new"), 0);
      out.channel().setSize(8192);
      assertThat(target).hasContent("old image");
      out.commit();
      assertThat(out.isCommitted()).isTrue();
    }
    assertThat(Files.size(target)).isEqualTo(8192);
    assertThat(new String(Files.readAllBytes(target), 0, 3, StandardCharsets.UTF_8))
        .isEqualTo("new");
    assertThat(filesIn(dir)).isEqualTo(1);
  }

  @Test
  void close_withoutCommit_deletesTemporaryAndKeepsOldTarget() throws Exception {
    Path target = dir.resolve("root.img");
    Files.writeString(target, "old image");
    try (AtomicOutput out = AtomicOutput.create(target)) {
      out.channel().write(text("half"), 0);
    }
    assertThat(target).hasContent("old image");
    assertThat(filesIn(dir)).isEqualTo(1);
  }

  @Test
  void exceptionMidWrite_leavesNoFileAtAll() throws Exception {
    Path target = dir.resolve("disk.img");
    assertThatThrownBy(
            () -> {
              try (AtomicOutput out = AtomicOutput.create(target)) {
                out.channel().write(text("partition table"), 0);
                out.channel().write(ByteBuffer.allocate(1 << 20), 4096);
                throw new IOException("the ext4 writer failed half way");
              }
            })
        .hasMessage("the ext4 writer failed half way");
    assertThat(target).doesNotExist();
    assertThat(filesIn(dir)).isZero();
  }

  @Test
  void create_staleTemporaryFromKilledRun_isReplaced() throws Exception {
    Path target = dir.resolve("root.img");
    Files.writeString(dir.resolve(".root.img.jimg-tmp"), "stale junk from a killed run");
    try (AtomicOutput out = AtomicOutput.create(target)) {
      assertThat(out.channel().size()).isZero();
      out.channel().write(text("fresh"), 0);
      out.commit();
    }
    assertThat(target).hasContent("fresh");
    assertThat(filesIn(dir)).isEqualTo(1);
  }

  @Test
  void commit_twice_isRejected() throws Exception {
    try (AtomicOutput out = AtomicOutput.create(dir.resolve("x.img"))) {
      out.commit();
      assertThatThrownBy(out::commit).isInstanceOf(IllegalStateException.class);
    }
    assertThat(dir.resolve("x.img")).exists();
  }
}
