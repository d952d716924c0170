/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.source;

import dev.jimg.core.InvalidOptionException;

/**
 * A manifest line is malformed, or cannot be applied to the tree. The message reads {@code
 * NAME:LINE:COLUMN: problem}, like a compiler's, so editors can jump to it.
 */
public class ManifestException extends InvalidOptionException {
  private static final long serialVersionUID = 1L;

  private final String resource;
  private final int line;
  private final int column;

  public ManifestException(String resource, int line, int column, String problem) {
    super(resource + ":" + line + ":" + column + ": " + problem);
    this.resource = resource;
    this.line = line;
    this.column = column;
  }

  /** The manifest's name (its file name, or what the caller passed). */
  public String resource() {
    return resource;
  }

  /** 1-based line number. */
  public int line() {
    return line;
  }

  /** 1-based column (in characters) where the offending token starts. */
  public int column() {
    return column;
  }
}
