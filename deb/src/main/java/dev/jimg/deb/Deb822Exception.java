/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.deb;

import dev.jimg.core.CorruptInputException;

/**
 * Control data (a control file, a status file) breaks the deb822 syntax. Carries the resource and
 * the 1-based line number.
 */
public final class Deb822Exception extends CorruptInputException {
  private static final long serialVersionUID = 1L;

  private final int line;

  public Deb822Exception(String resource, int line, String problem) {
    super(resource + " line " + line, UNKNOWN_OFFSET, problem);
    this.line = line;
  }

  /** The 1-based line where the problem was found. */
  public int line() {
    return line;
  }
}
