/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import dev.jimg.core.JimgException;
import dev.jimg.core.io.ImageChannel;
import dev.jimg.core.progress.ProgressListener;
import dev.jimg.core.repro.Identities;
import dev.jimg.core.spi.FilesystemOptions;
import dev.jimg.core.spi.FilesystemProvider;
import dev.jimg.core.spi.FilesystemWriter;
import dev.jimg.core.spi.WriteContext;
import dev.jimg.core.spi.WriteResult;
import dev.jimg.core.tree.FileTree;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A format for testing the mkfs verb without a real filesystem: the image is a text listing of the
 * tree (paths, sizes, mtimes), the build time and the filesystem UUID, padded with zeros to the
 * size.
 */
public final class TestFsProvider implements FilesystemProvider {
  static final long DEFAULT_SIZE = 64 * 1024;

  @Override
  public String type() {
    return "testfs";
  }

  @Override
  public String description() {
    return "testfs (a listing, for tests)";
  }

  @Override
  public SortedMap<String, String> writerOptions() {
    return new TreeMap<>(
        Map.of(
            "size", "image size",
            "label", "volume label",
            "check", "a flag",
            "fail-after-write", "throw after writing (tests the atomic output)",
            "out-of-memory-after-write", "throw OutOfMemoryError after writing"));
  }

  @Override
  public Set<String> writerFlags() {
    return Set.of("check", "fail-after-write", "out-of-memory-after-write");
  }

  @Override
  public FilesystemWriter newWriter(Map<String, String> options, WriteContext context)
      throws dev.jimg.core.InvalidOptionException {
    FilesystemOptions.requireKnown("testfs", options, writerOptions().keySet());
    long size =
        options.containsKey("size")
            ? dev.jimg.core.Sizes.parse("--size", options.get("size"))
            : DEFAULT_SIZE;
    boolean fail = Boolean.parseBoolean(options.getOrDefault("fail-after-write", "false"));
    boolean oom = Boolean.parseBoolean(options.getOrDefault("out-of-memory-after-write", "false"));
    String label = options.get("label");
    return new FilesystemWriter() {
      @Override
      public long plan(FileTree tree) {
        return size;
      }

      @Override
      public WriteResult write(FileTree tree, ImageChannel channel, ProgressListener progress)
          throws IOException {
        StringBuilder sb = new StringBuilder("TESTFS\n");
        sb.append("time ").append(context.clock().buildTime()).append('\n');
        sb.append("uuid ")
            .append(context.identities().uuid(Identities.FILESYSTEM_UUID_LABEL))
            .append('\n');
        sb.append("options ").append(new TreeMap<>(options)).append('\n');
        tree.forEach(
            (p, e) ->
                sb.append(p)
                    .append(' ')
                    .append(e.size())
                    .append(' ')
                    .append(e.mtime())
                    .append('\n'));
        channel.write(ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8)), 0);
        if (fail) {
          throw new JimgException("testfs: failing after the write, as asked");
        }
        if (oom) {
          throw new OutOfMemoryError("Java heap space");
        }
        return new WriteResult(
            size,
            Optional.of(context.identities().uuid(Identities.FILESYSTEM_UUID_LABEL)),
            Optional.ofNullable(label),
            Optional.empty(),
            OptionalInt.empty());
      }
    };
  }
}
