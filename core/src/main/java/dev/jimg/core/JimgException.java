/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core;

import java.io.IOException;

/**
 * Base of every error jimg reports about its input, options or output. The message is meant for a
 * person: it names the file and field concerned and, where there is one, says what to do.
 */
public class JimgException extends IOException {
  private static final long serialVersionUID = 1L;

  public JimgException(String message) {
    super(message);
  }

  public JimgException(String message, Throwable cause) {
    super(message, cause);
  }
}
