/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core;

/**
 * Two inputs disagree about a path in a way jimg will not resolve silently, e.g. a file layered
 * over a directory without the option that allows it, or a path whose parent is not a directory.
 */
public class TreeConflictException extends JimgException {
  private static final long serialVersionUID = 1L;

  public TreeConflictException(String message) {
    super(message);
  }
}
