/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.spi;

import dev.jimg.core.CorruptInputException;
import dev.jimg.core.ImageTooSmallException;
import dev.jimg.core.InvalidOptionException;
import dev.jimg.core.io.ImageChannel;
import dev.jimg.core.progress.ProgressEvent;
import dev.jimg.core.progress.ProgressListener;
import dev.jimg.core.tree.FileTree;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A trivial format for testing discovery: magic "TESTFS\0\0", entry count, label. Registered in
 * src/test/resources/META-INF/services.
 */
public final class TestFilesystemProvider implements FilesystemProvider {
  static final byte[] MAGIC = "TESTFS\0\0".getBytes(StandardCharsets.US_ASCII);
  static final int HEADER = 64;

  @Override
  public String type() {
    return "testfs";
  }

  @Override
  public String description() {
    return "testfs (a test format)";
  }

  @Override
  public SortedMap<String, String> writerOptions() {
    SortedMap<String, String> m = new TreeMap<>();
    m.put("label", "volume label, up to 16 bytes");
    m.put("size", "image size");
    return m;
  }

  @Override
  public FilesystemWriter newWriter(Map<String, String> options, WriteContext context)
      throws InvalidOptionException {
    FilesystemOptions o = FilesystemOptions.requireKnown(type(), options, writerOptions().keySet());
    String label = o.string("label").orElse("");
    long fixedSize = o.size("size").orElse(0);
    return new FilesystemWriter() {
      @Override
      public long plan(FileTree tree) {
        return Math.max(HEADER, fixedSize);
      }

      @Override
      public WriteResult write(FileTree tree, ImageChannel channel, ProgressListener progress)
          throws IOException {
        long need = plan(tree);
        if (channel.size() != 0 && channel.size() < need) {
          throw new ImageTooSmallException("testfs needs " + need + " bytes", need, channel.size());
        }
        progress.onProgress(ProgressEvent.items("writing header", 0, 1));
        UUID uuid = context.identities().uuid("file-system-uuid");
        ByteBuffer b = ByteBuffer.allocate(HEADER);
        b.put(MAGIC).putInt(tree.size()).putLong(uuid.getMostSignificantBits());
        b.putLong(uuid.getLeastSignificantBits());
        b.put(label.getBytes(StandardCharsets.UTF_8));
        b.flip();
        channel.write(b, 0);
        progress.onProgress(ProgressEvent.items("writing header", 1, 1));
        return new WriteResult(
            need,
            Optional.of(uuid),
            label.isEmpty() ? Optional.empty() : Optional.of(label),
            Optional.of(UUID.fromString("0FC63DAF-8483-4772-8E79-3D69D8477DE4")),
            OptionalInt.of(0x83));
      }
    };
  }

  @Override
  public Optional<FilesystemReader> newReader() {
    return Optional.of(
        new FilesystemReader() {
          @Override
          public boolean probe(ImageChannel channel) throws IOException {
            if (channel.size() < MAGIC.length) {
              return false;
            }
            ByteBuffer b = ByteBuffer.allocate(MAGIC.length);
            channel.readFully(b, 0);
            return java.util.Arrays.equals(b.array(), MAGIC);
          }

          @Override
          public FileTree read(ImageChannel channel) throws IOException {
            if (!probe(channel)) {
              throw new CorruptInputException(channel.toString(), 0, "no testfs magic");
            }
            return FileTree.empty();
          }
        });
  }
}
