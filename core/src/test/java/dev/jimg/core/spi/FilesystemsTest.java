/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jimg.core.ImageTooSmallException;
import dev.jimg.core.InvalidOptionException;
import dev.jimg.core.io.MemoryImageChannel;
import dev.jimg.core.progress.ProgressEvent;
import dev.jimg.core.repro.BuildClock;
import dev.jimg.core.repro.Identities;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.Timestamp;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FilesystemsTest {
  private static final WriteContext CONTEXT =
      new WriteContext(
          BuildClock.fixed(Timestamp.ofSeconds(1_700_000_000L)),
          Identities.fromSeed(new UUID(1, 2)));

  @Test
  void installed_findsProviderRegisteredInMetaInfServices() throws Exception {
    Filesystems fs = Filesystems.installed();
    assertThat(fs.types()).contains("testfs");
    assertThat(fs.provider("testfs")).isInstanceOf(TestFilesystemProvider.class);
  }

  @Test
  void provider_unknownType_listsAvailableTypes() {
    assertThatThrownBy(() -> Filesystems.installed().provider("ext5"))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage("unknown filesystem type 'ext5'; available: testfs");
    assertThatThrownBy(() -> Filesystems.of(List.of()).provider("ext4"))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("none (no format module on the class path)");
  }

  @Test
  void writer_unknownOption_namesKeyAndListsKnownOnes() {
    assertThatThrownBy(
            () ->
                Filesystems.installed()
                    .writer("testfs", Map.of("lable", "root", "label", "x"), CONTEXT))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage("testfs: unknown option 'lable'; known options: label, size");
  }

  @Test
  void writer_malformedValue_namesOption() {
    assertThatThrownBy(
            () -> Filesystems.installed().writer("testfs", Map.of("size", "12Q"), CONTEXT))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage(
            "testfs option size: '12Q' is not a size; use a number with an optional K, M, G or T"
                + " suffix");
  }

  @Test
  void writer_writesAndReaderProbesIt() throws Exception {
    Filesystems fs = Filesystems.installed();
    FilesystemWriter w = fs.writer("testfs", Map.of("label", "root", "size", "4K"), CONTEXT);
    FileTree tree = FileTree.empty();
    assertThat(w.plan(tree)).isEqualTo(4096);
    MemoryImageChannel ch = new MemoryImageChannel();
    ch.setSize(w.plan(tree));
    List<ProgressEvent> events = new ArrayList<>();
    WriteResult r = w.write(tree, ch, events::add);

    assertThat(r.bytesUsed()).isEqualTo(4096);
    assertThat(r.label()).contains("root");
    assertThat(r.filesystemUuid()).contains(CONTEXT.identities().uuid("file-system-uuid"));
    assertThat(r.mbrType()).hasValue(0x83);
    assertThat(events).last().matches(ProgressEvent::isComplete);
    assertThat(fs.probe(ch)).map(FilesystemProvider::type).contains("testfs");
    assertThat(fs.probe(new MemoryImageChannel(new byte[512]))).isEmpty();
  }

  @Test
  void writer_channelTooSmall_isImageTooSmall() throws Exception {
    FilesystemWriter w = Filesystems.installed().writer("testfs", Map.of("size", "8K"), CONTEXT);
    MemoryImageChannel ch = new MemoryImageChannel();
    ch.setSize(4096);
    assertThatThrownBy(() -> w.write(FileTree.empty(), ch, e -> {}))
        .isInstanceOfSatisfying(
            ImageTooSmallException.class,
            e -> {
              assertThat(e.neededBytes()).isEqualTo(8192);
              assertThat(e.givenBytes()).isEqualTo(4096);
            });
    assertThat(ch.toByteArray()).containsOnly(0);
    assertThat(ByteBuffer.wrap(ch.toByteArray()).getLong(0)).isZero();
  }

  @Test
  void of_twoProvidersOfOneType_isRejectedNamingBoth() {
    assertThatThrownBy(
            () ->
                Filesystems.of(List.of(new TestFilesystemProvider(), new TestFilesystemProvider())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'testfs' is provided by both");
  }
}
