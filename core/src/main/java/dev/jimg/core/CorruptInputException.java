/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core;

/**
 * Input (an archive, a package, an image) is malformed: truncated, wrong magic, a bad checksum, a
 * field out of range. Carries the resource name and the byte offset where the problem was found.
 */
public class CorruptInputException extends JimgException {
  private static final long serialVersionUID = 1L;

  /** Offset value used when no byte offset is known. */
  public static final long UNKNOWN_OFFSET = -1;

  private final String resource;
  private final long offset;

  public CorruptInputException(String resource, long offset, String problem) {
    this(resource, offset, problem, null);
  }

  public CorruptInputException(String resource, long offset, String problem, Throwable cause) {
    super(format(resource, offset, problem), cause);
    this.resource = resource;
    this.offset = offset;
  }

  private static String format(String resource, long offset, String problem) {
    return offset >= 0
        ? resource + " at byte " + offset + ": " + problem
        : resource + ": " + problem;
  }

  /** The file or stream name the input came from. */
  public String resource() {
    return resource;
  }

  /** The byte offset of the problem in the resource, or {@link #UNKNOWN_OFFSET}. */
  public long offset() {
    return offset;
  }
}
