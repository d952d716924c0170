/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core;

/**
 * An option or setting is malformed or out of range (a size of "12Q", a malformed
 * SOURCE_DATE_EPOCH). The message names the option and the accepted form.
 */
public class InvalidOptionException extends JimgException {
  private static final long serialVersionUID = 1L;

  public InvalidOptionException(String message) {
    super(message);
  }
}
