/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.partition;

import dev.jimg.core.InvalidOptionException;
import dev.jimg.core.io.ImageChannel;
import dev.jimg.core.progress.ProgressListener;
import dev.jimg.core.repro.Identities;
import dev.jimg.core.spi.FilesystemOptions;
import dev.jimg.core.spi.FilesystemProvider;
import dev.jimg.core.spi.FilesystemWriter;
import dev.jimg.core.spi.WriteContext;
import dev.jimg.core.spi.WriteResult;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.ImagePath;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A test-only filesystem "testfs": the magic {@code JIMGTEST}, the filesystem UUID (16 bytes), the
 * label (32 bytes), the hidden-sectors option (8 bytes little-endian), the volume-id option (8
 * ASCII characters), then for each regular file in path order its path, a NUL and its content; the
 * rest of the channel is a repeated marker byte so tests see the whole slice was handed over.
 */
public final class TestFsProvider implements FilesystemProvider {
  static final byte[] MAGIC = "JIMGTEST".getBytes(StandardCharsets.US_ASCII);
  static final int HEADER = 8 + 16 + 32 + 8 + 8;
  static final byte FILL = (byte) 0xA5;

  @Override
  public String type() {
    return "testfs";
  }

  @Override
  public String description() {
    return "testfs (test pattern)";
  }

  @Override
  public SortedMap<String, String> writerOptions() {
    SortedMap<String, String> m = new TreeMap<>();
    m.put("label", "the label");
    m.put("mbr-type", "the MBR type byte to suggest, decimal");
    m.put("hidden-sectors", "the partition start in sectors");
    m.put("volume-id", "8 hex digits");
    m.put("size", "a fixed size");
    return m;
  }

  @Override
  public void checkOptions(Map<String, String> options) throws InvalidOptionException {
    FilesystemOptions o = FilesystemOptions.requireKnown(type(), options, writerOptions().keySet());
    o.integer("mbr-type", 1, 255);
  }

  @Override
  public FilesystemWriter newWriter(Map<String, String> options, WriteContext context)
      throws InvalidOptionException {
    FilesystemOptions o = FilesystemOptions.requireKnown(type(), options, writerOptions().keySet());
    String label = o.string("label").orElse("");
    OptionalInt mbr =
        o.integer("mbr-type", 1, 255).isPresent()
            ? OptionalInt.of((int) o.integer("mbr-type", 1, 255).getAsLong())
            : OptionalInt.empty();
    long fixed = o.size("size").orElse(-1);
    long hidden = o.integer("hidden-sectors", 0, Long.MAX_VALUE).orElse(0);
    String volumeId = o.string("volume-id").orElse("00000000");
    UUID uuid = context.identities().uuid(Identities.FILESYSTEM_UUID_LABEL);
    return new FilesystemWriter() {
      @Override
      public long plan(FileTree tree) {
        if (fixed > 0) {
          return fixed;
        }
        long n = HEADER;
        for (Map.Entry<ImagePath, Entry> e : tree) {
          if (e.getValue().type() == EntryType.REGULAR) {
            n += e.getKey().bytes().length + 1 + e.getValue().size();
          }
        }
        return n;
      }

      @Override
      public WriteResult write(FileTree tree, ImageChannel channel, ProgressListener progress)
          throws IOException {
        ByteBuffer head = ByteBuffer.allocate(HEADER);
        head.put(MAGIC).put(Identities.toBytes(uuid));
        byte[] l = label.getBytes(StandardCharsets.UTF_8);
        head.put(l, 0, Math.min(32, l.length));
        head.position(8 + 16 + 32);
        head.order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(hidden);
        head.put(volumeId.getBytes(StandardCharsets.US_ASCII), 0, 8);
        head.clear();
        channel.write(head, 0);
        long pos = HEADER;
        for (Map.Entry<ImagePath, Entry> e : tree) {
          if (e.getValue().type() != EntryType.REGULAR) {
            continue;
          }
          byte[] p = e.getKey().bytes();
          channel.write(ByteBuffer.wrap(p), pos);
          pos += p.length;
          channel.write(ByteBuffer.wrap(new byte[] {0}), pos);
          pos++;
          try (InputStream in = e.getValue().content().open()) {
            byte[] data = in.readAllBytes();
            channel.write(ByteBuffer.wrap(data), pos);
            pos += data.length;
          }
        }
        long used = pos;
        byte[] fill = new byte[4096];
        java.util.Arrays.fill(fill, FILL);
        while (pos < channel.size()) {
          int n = (int) Math.min(fill.length, channel.size() - pos);
          channel.write(ByteBuffer.wrap(fill, 0, n), pos);
          pos += n;
        }
        return new WriteResult(
            used,
            Optional.of(uuid),
            label.isEmpty() ? Optional.empty() : Optional.of(label),
            Optional.empty(),
            mbr);
      }
    };
  }
}
