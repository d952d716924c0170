/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.ext4;

import dev.jimg.core.CorruptInputException;
import dev.jimg.core.io.ImageChannel;
import dev.jimg.core.io.MemoryImageChannel;
import dev.jimg.core.io.ParallelWrites;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The contents of small files whose blocks lie back to back in the image, read into one buffer and
 * written with one system call: a rootfs has thousands of files under a few KiB, and a read and a
 * write of each made most of the copy threads' time on a tree of many small files (two system calls
 * of 6 us each per file). The bytes written are the same; the tail of each file's last block is
 * zeros, as it would be unwritten.
 *
 * <p>Built by one thread, then run once as a {@link ParallelWrites.Write}.
 */
final class ContentBatch implements ParallelWrites.Write {
  /** Largest file taken into a batch; larger ones are copied by the kernel on their own. */
  static final long MAX_FILE = 64 * 1024;

  /** Largest span of image bytes one batch covers. */
  static final long MAX_BYTES = 1 << 20;

  private final ImageChannel target;
  private final long start;
  private long end;
  private final List<TreePlan.Node> nodes = new ArrayList<>();
  private final List<Long> positions = new ArrayList<>();

  /** A batch that writes into {@code target} from image byte {@code start}. */
  ContentBatch(ImageChannel target, long start) {
    this.target = target;
    this.start = start;
    this.end = start;
  }

  /**
   * Whether a file stored at image bytes {@code [position, position + span)} continues this batch:
   * it starts where the last one's blocks end and the batch stays within {@link #MAX_BYTES}.
   */
  boolean continues(long position, long span) {
    return position == end && end + span - start <= MAX_BYTES;
  }

  /** Adds a file whose content goes to image bytes {@code [position, position + span)}. */
  void add(TreePlan.Node node, long position, long span) {
    nodes.add(node);
    positions.add(position);
    end = position + span;
  }

  @Override
  public void run() throws IOException {
    MemoryImageChannel buffer = new MemoryImageChannel();
    buffer.setSize(end - start);
    for (int i = 0; i < nodes.size(); i++) {
      TreePlan.Node n = nodes.get(i);
      long got = n.meta.content().copyTo(0, n.size, buffer, positions.get(i) - start);
      if (got < n.size) {
        throw new CorruptInputException(
            n.path.toString(), got, "content ended after " + got + " of " + n.size + " bytes");
      }
    }
    buffer.writeTo(target, start);
  }
}
