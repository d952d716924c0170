/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core;

/** An entry of the tree cannot be represented in the target format (a symlink on FAT, say). */
public class UnsupportedEntryException extends JimgException {
  private static final long serialVersionUID = 1L;

  public UnsupportedEntryException(String message) {
    super(message);
  }
}
