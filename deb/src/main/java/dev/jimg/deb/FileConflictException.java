/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.deb;

import dev.jimg.core.TreeConflictException;

/**
 * Two packages ship the same file and the later one does not declare {@code Replaces} on the
 * earlier, which dpkg refuses too ("trying to overwrite ..., which is also in package ...").
 */
public final class FileConflictException extends TreeConflictException {
  private static final long serialVersionUID = 1L;

  private final String path;
  private final String owner;
  private final String intruder;

  public FileConflictException(String path, String owner, String intruder, String resource) {
    super(
        resource
            + ": package "
            + intruder
            + " ships /"
            + path
            + ", which is also in package "
            + owner
            + "; add 'Replaces: "
            + owner.replaceFirst(":.*", "")
            + "' to "
            + intruder
            + " or leave one of them out");
    this.path = path;
    this.owner = owner;
    this.intruder = intruder;
  }

  /** The path both ship, relative to the root. */
  public String path() {
    return path;
  }

  /** The package that installed the file first. */
  public String owner() {
    return owner;
  }

  /** The package that shipped it again. */
  public String intruder() {
    return intruder;
  }
}
