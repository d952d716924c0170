/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.partition;

import dev.jimg.core.JimgException;

/**
 * A disk layout that cannot be built: overlapping partitions, a partition outside the usable range,
 * a blob colliding with a table or a partition. The message names both parties and the bytes.
 */
public final class DiskLayoutException extends JimgException {
  private static final long serialVersionUID = 1L;

  /** An exception with the given message. */
  public DiskLayoutException(String message) {
    super(message);
  }
}
