/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jimg.core.JimgException;
import dev.jimg.core.UnsupportedEntryException;
import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostTreeWriterTest {
  private static final Timestamp T = new Timestamp(1_600_000_000L, 123_456_789);
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  @TempDir Path tmp;

  private static Content text(String s) {
    return Content.ofBytes(s.getBytes(StandardCharsets.UTF_8));
  }

  private static FileTreeBuilder base() throws IOException {
    FileTreeBuilder b = new FileTreeBuilder();
    b.put(ImagePath.ROOT, Entry.directory(0755, T));
    // a read-only directory with children: its mode must come after they are made
    b.put(ImagePath.of("ro"), Entry.directory(0555, T));
    b.put(ImagePath.of("ro/setuid"), Entry.file(04755, T, text("#!/bin/sh\n")));
    b.put(ImagePath.of("tmp"), Entry.directory(01777, Timestamp.ofSeconds(-100)));
    b.put(ImagePath.of("ro/link"), Entry.symlink("../tmp", Timestamp.ofSeconds(5)));
    b.put(ImagePath.of("z-first"), Entry.file(0640, T, text("shared")));
    b.put(ImagePath.of("a-second"), Entry.hardlink(ImagePath.of("z-first")));
    return b;
  }

  private static int mode(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:mode", NOFOLLOW) & 07777;
  }

  @Test
  void write_modesTimesLinks_asTheTreeSays() throws IOException {
    Path out = tmp.resolve("out");
    HostTreeWriter.Result r =
        new HostTreeWriter(HostTreeWriter.Options.defaults()).write(base().build(), out);
    assertThat(r.entries()).isEqualTo(7);
    assertThat(mode(out.resolve("ro"))).isEqualTo(0555);
    assertThat(mode(out.resolve("ro/setuid"))).isEqualTo(04755);
    assertThat(mode(out.resolve("tmp"))).isEqualTo(01777);
    assertThat(Files.readString(out.resolve("ro/setuid"))).isEqualTo("#!/bin/sh\n");
    assertThat(Files.getLastModifiedTime(out.resolve("ro")))
        .isEqualTo(FileTime.from(T.toInstant()));
    assertThat(Files.getLastModifiedTime(out.resolve("tmp")))
        .isEqualTo(FileTime.fromMillis(-100_000));
    assertThat(Files.readSymbolicLink(out.resolve("ro/link")).toString()).isEqualTo("../tmp");
    assertThat(Files.getLastModifiedTime(out.resolve("ro/link"), NOFOLLOW))
        .isEqualTo(FileTime.fromMillis(5000));
    assertThat(Files.getAttribute(out.resolve("a-second"), "unix:ino"))
        .isEqualTo(Files.getAttribute(out.resolve("z-first"), "unix:ino"));
    assertThat(Files.getAttribute(out.resolve("z-first"), "unix:nlink")).isEqualTo(2);
    assertThat(Files.getLastModifiedTime(out)).isEqualTo(FileTime.from(T.toInstant()));
    assertThat(tmp.resolve(".out.jimg-tmp")).doesNotExist();
  }

  @Test
  void write_fileModes_exactWhateverTheUmask() throws IOException {
    // modes a umask cuts (group, other write), read-only and unreadable files, special bits
    int[] modes = {
      0644, 0755, 0600, 0664, 0666, 0777, 0640, 0444, 0400, 0200, 0000, 0700, 02755, 04711, 01644,
      0604
    };
    FileTreeBuilder b = new FileTreeBuilder();
    b.put(ImagePath.ROOT, Entry.directory(0755, T));
    for (int m : modes) {
      b.put(ImagePath.of(String.format("f%04o", m)), Entry.file(m, T, text("mode " + m)));
    }
    Path out = tmp.resolve("modes");
    new HostTreeWriter(HostTreeWriter.Options.defaults()).write(b.build(), out);
    for (int m : modes) {
      Path f = out.resolve(String.format("f%04o", m));
      assertThat(mode(f)).as("%04o", m).isEqualTo(m);
      assertThat(Files.getLastModifiedTime(f, NOFOLLOW).toInstant()).isEqualTo(T.toInstant());
    }
    assertThat(out.toFile().list()).hasSize(modes.length);
  }

  @Test
  void write_reportsTheBytesOfFilesWritten() throws IOException {
    List<dev.jimg.core.progress.ProgressEvent> events = new java.util.ArrayList<>();
    new HostTreeWriter(HostTreeWriter.Options.defaults())
        .write(base().build(), tmp.resolve("out"), events::add);
    long total = "#!/bin/sh\n".length() + "shared".length();
    assertThat(events).first().extracting(e -> e.done(), e -> e.total()).containsExactly(0L, total);
    assertThat(events)
        .last()
        .extracting(e -> e.done(), e -> e.total())
        .containsExactly(total, total);
    assertThat(events).extracting(e -> e.phase()).containsOnly(HostTreeWriter.PHASE);
  }

  @Test
  void write_owners_setWhenRoot_orWhenAskedNotTo_left() throws IOException {
    FileTreeBuilder b = base();
    b.put(
        ImagePath.of("owned"),
        Entry.file(0644, T, text("x")).toBuilder().uid(1234).gid(56).build());
    FileTree tree = b.build();
    Path out = tmp.resolve("out");
    HostTreeWriter.Result r =
        new HostTreeWriter(HostTreeWriter.Options.defaults()).write(tree, out);
    int me = (Integer) Files.getAttribute(tmp, "unix:uid");
    assertThat(r.ownersSet()).isEqualTo(me == 0);
    if (me == 0) {
      assertThat(Files.getAttribute(out.resolve("owned"), "unix:uid")).isEqualTo(1234);
      assertThat(Files.getAttribute(out.resolve("owned"), "unix:gid")).isEqualTo(56);
      // chown clears setuid: the mode is set after the owner
      assertThat(mode(out.resolve("ro/setuid"))).isEqualTo(04755);
    }
    Path skipped = tmp.resolve("skipped");
    HostTreeWriter.Result s =
        new HostTreeWriter(new HostTreeWriter.Options(false, HostTreeWriter.Owners.SKIP))
            .write(tree, skipped);
    assertThat(s.ownersSet()).isFalse();
    assertThat(Files.getAttribute(skipped.resolve("owned"), "unix:uid")).isEqualTo(me);
  }

  @Test
  void write_sparseFile_sizeAndBytesKept() throws IOException {
    FileTreeBuilder b = base();
    b.put(ImagePath.of("hole"), Entry.file(0644, T, Content.zeros(5 << 20)));
    Path out = tmp.resolve("out");
    new HostTreeWriter(HostTreeWriter.Options.defaults()).write(b.build(), out);
    assertThat(Files.size(out.resolve("hole"))).isEqualTo(5 << 20);
    try (InputStream in = Files.newInputStream(out.resolve("hole"))) {
      assertThat(in.readAllBytes()).containsOnly(0);
    }
  }

  @Test
  void write_userXattrsWritten_othersReported() throws IOException {
    FileTreeBuilder b = base();
    b.put(
        ImagePath.of("attrs"),
        Entry.file(0644, T, text("x")).toBuilder()
            .xattr("user.mime_type", "text/plain".getBytes(StandardCharsets.UTF_8))
            .xattr("security.capability", new byte[] {1, 0, 0, 2})
            .build());
    Path out = tmp.resolve("out");
    HostTreeWriter.Result r;
    try {
      r = new HostTreeWriter(HostTreeWriter.Options.defaults()).write(b.build(), out);
    } catch (IOException e) {
      // a host filesystem without user xattrs (tmpfs before Linux 6.6) refuses them
      org.junit.jupiter.api.Assumptions.assumeTrue(
          false, "no user xattrs on " + tmp + ": " + e.getMessage());
      return;
    }
    assertThat(r.droppedXattrs()).containsExactly("attrs security.capability");
    UserDefinedFileAttributeView v =
        Files.getFileAttributeView(out.resolve("attrs"), UserDefinedFileAttributeView.class);
    ByteBuffer buf = ByteBuffer.allocate(64);
    v.read("mime_type", buf);
    assertThat(new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8))
        .isEqualTo("text/plain");
  }

  @Test
  void write_devices_refusedBeforeAnythingIsWritten_orSkipped() throws IOException {
    FileTreeBuilder b = base();
    b.put(ImagePath.of("dev"), Entry.directory(0755, T));
    b.put(
        ImagePath.of("dev/null"),
        Entry.builder(EntryType.CHAR_DEVICE).mode(0666).mtime(T).device(1, 3).build());
    b.put(ImagePath.of("fifo"), Entry.builder(EntryType.FIFO).mode(0600).mtime(T).build());
    FileTree tree = b.build();
    Path out = tmp.resolve("out");
    assertThatThrownBy(() -> new HostTreeWriter(HostTreeWriter.Options.defaults()).write(tree, out))
        .isInstanceOf(UnsupportedEntryException.class)
        .hasMessageContaining("(2: dev/null, fifo)")
        .hasMessageContaining("--unsupported skip");
    assertThat(out).doesNotExist();
    assertThat(tmp.resolve(".out.jimg-tmp")).doesNotExist();

    HostTreeWriter.Result r =
        new HostTreeWriter(new HostTreeWriter.Options(true, HostTreeWriter.Owners.IF_ROOT))
            .write(tree, out);
    assertThat(r.skipped()).containsExactly(ImagePath.of("dev/null"), ImagePath.of("fifo"));
    assertThat(out.resolve("dev")).isDirectory();
    assertThat(out.resolve("fifo")).doesNotExist();
  }

  @Test
  void write_namesNotUtf8_refusedBeforeAnythingIsWritten() throws IOException {
    FileTreeBuilder b = base();
    b.put(ImagePath.parse(new byte[] {'l', 'a', 't', (byte) 0xE9}), Entry.file(0644, T, text("x")));
    b.put(
        ImagePath.of("link"),
        Entry.builder(EntryType.SYMLINK).mtime(T).symlinkTarget(new byte[] {(byte) 0xFF}).build());
    FileTree tree = b.build();
    Path out = tmp.resolve("out");
    assertThatThrownBy(() -> new HostTreeWriter(HostTreeWriter.Options.defaults()).write(tree, out))
        .isInstanceOf(UnsupportedEntryException.class)
        .hasMessageContaining("not UTF-8 (2: lat\\xe9, link)");
    assertThat(out).doesNotExist();
  }

  @Test
  void write_targetNotEmpty_refusedAndUntouched() throws IOException {
    Path out = Files.createDirectories(tmp.resolve("out"));
    Files.writeString(out.resolve("keep"), "mine");
    FileTree tree = base().build();
    assertThatThrownBy(() -> new HostTreeWriter(HostTreeWriter.Options.defaults()).write(tree, out))
        .isInstanceOf(JimgException.class)
        .hasMessageContaining("exists and is not an empty directory");
    assertThat(Files.readString(out.resolve("keep"))).isEqualTo("mine");

    Path empty = Files.createDirectories(tmp.resolve("empty"));
    new HostTreeWriter(HostTreeWriter.Options.defaults()).write(tree, empty);
    assertThat(empty.resolve("ro/setuid")).isRegularFile();
  }

  @Test
  void write_targetThroughASymlinkAndDotDot_isWhereTheKernelPutsIt() throws IOException {
    Files.createDirectories(tmp.resolve("deep/a"));
    Files.createSymbolicLink(tmp.resolve("sym"), Path.of("deep/a"));
    Files.writeString(tmp.resolve("out"), "precious");
    Path target = tmp.resolve("sym/../out"); // the kernel: deep/out, not out
    new HostTreeWriter(HostTreeWriter.Options.defaults()).write(base().build(), target);
    assertThat(Files.readString(tmp.resolve("out"))).isEqualTo("precious");
    assertThat(tmp.resolve("deep/out/ro/setuid")).isRegularFile();
    try (var s = Files.list(tmp.resolve("deep"))) {
      assertThat(s.map(x -> x.getFileName().toString())).containsExactlyInAnyOrder("a", "out");
    }

    assertThatThrownBy(
            () ->
                new HostTreeWriter(HostTreeWriter.Options.defaults())
                    .write(base().build(), tmp.resolve("deep/out/..")))
        .isInstanceOf(JimgException.class)
        .hasMessageContaining("not the root, . or ..");
  }

  @Test
  void write_parentMissing_saysWhereTheDirectoryCannotBeMade() throws IOException {
    Path target = tmp.resolve("missing/out");
    FileTree tree = base().build();
    assertThatThrownBy(
            () -> new HostTreeWriter(HostTreeWriter.Options.defaults()).write(tree, target))
        .isInstanceOf(JimgException.class)
        .hasMessage(
            target
                + ": cannot be made in "
                + tmp.resolve("missing")
                + " (no such file or directory)");
  }

  @Test
  void deleteTree_unreadableAndReadOnlyDirectories_removed() throws IOException {
    Path d = Files.createDirectories(tmp.resolve("t/ro/none"));
    Files.writeString(d.resolve("f"), "x");
    Files.setAttribute(d, "unix:mode", 0);
    Files.setAttribute(tmp.resolve("t/ro"), "unix:mode", 0555);
    HostTreeWriter.deleteTree(tmp.resolve("t"));
    assertThat(tmp.resolve("t")).doesNotExist();
  }

  @Test
  void write_contentFailsHalfway_leavesNothingBehind() throws IOException {
    Content broken =
        new Content() {
          @Override
          public long size() {
            return 100;
          }

          @Override
          public InputStream open() {
            return new ByteArrayInputStream(new byte[40]);
          }
        };
    FileTreeBuilder b = base();
    b.put(ImagePath.of("ro/broken"), Entry.file(0644, T, broken));
    Path out = tmp.resolve("out");
    FileTree tree = b.build();
    assertThatThrownBy(() -> new HostTreeWriter(HostTreeWriter.Options.defaults()).write(tree, out))
        .isInstanceOf(JimgException.class)
        .hasMessageContaining("ro/broken: content ended after 40 of 100 bytes");
    assertThat(out).doesNotExist();
    assertThat(List.of(tmp.toFile().list())).isEmpty();
  }

  /**
   * Content that ends after {@code have} of its {@code size} bytes, {@code delayMillis} after it is
   * opened.
   */
  private static Content shortContent(long size, int have, long delayMillis) {
    return new Content() {
      @Override
      public long size() {
        return size;
      }

      @Override
      public InputStream open() throws IOException {
        try {
          Thread.sleep(delayMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException();
        }
        return new ByteArrayInputStream(new byte[have]);
      }
    };
  }

  @Test
  void write_manyFilesOnThreads_sameTreeAndTheFirstFailureInPathOrder() throws IOException {
    FileTreeBuilder b = new FileTreeBuilder();
    b.put(ImagePath.ROOT, Entry.directory(0755, T));
    for (int d = 0; d < 8; d++) {
      b.put(ImagePath.of("d" + d), Entry.directory(0750, T));
      for (int f = 0; f < 100; f++) {
        b.put(ImagePath.of("d" + d + "/f" + f), Entry.file(0600 + f % 8, T, text("file " + f)));
      }
    }
    FileTree good = b.build();
    Path out = tmp.resolve("good");
    HostTreeWriter.Result r =
        new HostTreeWriter(HostTreeWriter.Options.defaults()).write(good, out);
    assertThat(r.entries()).isEqualTo(good.size());
    for (int d = 0; d < 8; d++) {
      for (int f = 0; f < 100; f += 7) {
        Path p = out.resolve("d" + d + "/f" + f);
        assertThat(Files.readString(p)).isEqualTo("file " + f);
        assertThat(mode(p)).isEqualTo(0600 + f % 8);
        assertThat(Files.getLastModifiedTime(p, NOFOLLOW).toInstant()).isEqualTo(T.toInstant());
      }
    }
    // two broken files, the earlier in path order slow to fail, so that another thread meets the
    // later one first: the error is still the earlier one's, as with one thread
    b.put(ImagePath.of("d2/f50"), Entry.file(0644, T, shortContent(10, 3, 300)));
    b.put(ImagePath.of("d6/f10"), Entry.file(0644, T, shortContent(10, 4, 0)));
    assertFirstFailure(b.build(), "bad", 5, "d2/f50: content ended after 3 of 10 bytes");
    assertThat(List.of(tmp.toFile().list())).containsExactly("good");
  }

  @Test
  void write_directoriesOnThreads_firstFailureInPathOrderAcrossNestedDirectories()
      throws IOException {
    // the threads take whole directories: "a" holds a/f.. and a/z, "a/m" holds a/m/x, which comes
    // between them in path order. a/z fails at once, a/m/x later: the error is a/m/x's
    FileTreeBuilder b = new FileTreeBuilder();
    b.put(ImagePath.ROOT, Entry.directory(0755, T));
    b.put(ImagePath.of("a"), Entry.directory(0755, T));
    b.put(ImagePath.of("a/m"), Entry.directory(0755, T));
    for (int f = 0; f < 100; f++) {
      b.put(ImagePath.of(String.format("a/f%03d", f)), Entry.file(0644, T, text("f" + f)));
      b.put(ImagePath.of(String.format("a/m/%03d", f)), Entry.file(0644, T, text("m" + f)));
    }
    b.put(ImagePath.of("a/m/x"), Entry.file(0644, T, shortContent(10, 3, 300)));
    b.put(ImagePath.of("a/z"), Entry.file(0644, T, shortContent(10, 4, 0)));
    assertFirstFailure(b.build(), "nested", 3, "a/m/x: content ended after 3 of 10 bytes");
  }

  /** Writes {@code bad} {@code times} times: each fails with {@code message}, leaving nothing. */
  private void assertFirstFailure(FileTree bad, String prefix, int times, String message) {
    for (int i = 0; i < times; i++) {
      Path target = tmp.resolve(prefix + i);
      assertThatThrownBy(
              () -> new HostTreeWriter(HostTreeWriter.Options.defaults()).write(bad, target))
          .isInstanceOf(JimgException.class)
          .hasMessageContaining(message);
      assertThat(target).doesNotExist();
    }
  }

  @Test
  void write_shutdownWhileWriting_stopsAndLeavesNothingBehind() throws IOException {
    FileTreeBuilder b = new FileTreeBuilder();
    b.put(ImagePath.ROOT, Entry.directory(0755, T));
    for (int f = 0; f < 300; f++) {
      b.put(ImagePath.of("d/f" + f), Entry.file(0644, T, text("file " + f)));
    }
    b.put(ImagePath.of("d"), Entry.directory(0755, T));
    // the shutdown hook runs while the files are made, as after a Ctrl-C
    b.put(
        ImagePath.of("d/f150"),
        Entry.file(
            0644,
            T,
            new Content() {
              @Override
              public long size() {
                return 1;
              }

              @Override
              public InputStream open() {
                ExitCleanup.run();
                return new ByteArrayInputStream(new byte[1]);
              }
            }));
    Path out = tmp.resolve("out");
    FileTree tree = b.build();
    assertThatThrownBy(() -> new HostTreeWriter(HostTreeWriter.Options.defaults()).write(tree, out))
        .isInstanceOf(java.io.IOException.class);
    assertThat(out).doesNotExist();
    assertThat(List.of(tmp.toFile().list())).isEmpty();
  }
}
