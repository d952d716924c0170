/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.tree;

import dev.jimg.core.io.ImageChannel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A file's bytes stored in runs of an image (see {@link Content#ofImageRuns}): each run maps a
 * range of the file to a range of the channel; bytes no run covers are a hole.
 */
final class ImageRunsContent implements Content {
  private final ImageChannel channel;
  private final long size;
  private final long[] fileOffsets;
  private final long[] imageOffsets;
  private final long[] lengths;
  private final String description;

  ImageRunsContent(ImageChannel channel, long size, List<long[]> runs, String description) {
    if (size < 0) {
      throw new IllegalArgumentException("negative size " + size);
    }
    long[][] sorted = runs.toArray(long[][]::new);
    Arrays.sort(sorted, Comparator.comparingLong(r -> r[0]));
    List<long[]> kept = new ArrayList<>(sorted.length);
    long end = 0;
    for (long[] r : sorted) {
      if (r[0] < 0 || r[1] < 0 || r[2] < 0) {
        throw new IllegalArgumentException(
            "negative offset or length in run " + Arrays.toString(r));
      }
      if (r[0] < end) {
        throw new IllegalArgumentException(
            "runs overlap at file offset " + r[0] + " (the one before ends at " + end + ")");
      }
      long length = Math.min(r[2], size - r[0]);
      if (length > 0) {
        kept.add(new long[] {r[0], r[1], length});
      }
      end = r[0] + r[2];
    }
    this.channel = channel;
    this.size = size;
    this.fileOffsets = new long[kept.size()];
    this.imageOffsets = new long[kept.size()];
    this.lengths = new long[kept.size()];
    for (int i = 0; i < kept.size(); i++) {
      fileOffsets[i] = kept.get(i)[0];
      imageOffsets[i] = kept.get(i)[1];
      lengths[i] = kept.get(i)[2];
    }
    this.description = description;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public List<Extent> extents() {
    List<Extent> out = new ArrayList<>();
    for (int i = 0; i < fileOffsets.length; i++) {
      Extent last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && last.end() == fileOffsets[i]) {
        out.set(out.size() - 1, new Extent(last.offset(), last.length() + lengths[i]));
      } else {
        out.add(new Extent(fileOffsets[i], lengths[i]));
      }
    }
    return out;
  }

  @Override
  public InputStream open() {
    return new RunsInputStream(size, fileOffsets, lengths) {
      @Override
      protected int readRun(int run, long inRun, byte[] b, int off, int len) throws IOException {
        channel.readFully(ByteBuffer.wrap(b, off, len), imageOffsets[run] + inRun);
        return len;
      }
    };
  }

  @Override
  public String toString() {
    return description;
  }
}
