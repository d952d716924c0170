/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.io;

import dev.jimg.core.JimgException;

/**
 * A read, write or slice would reach outside a channel's bounds (past the end of a partition, a
 * negative offset). A writer that planned its size correctly never causes one, so this usually
 * means a bug in the writer or a partition too small for what was planned.
 */
public class ChannelBoundsException extends JimgException {
  private static final long serialVersionUID = 1L;

  public ChannelBoundsException(String message) {
    super(message);
  }
}
