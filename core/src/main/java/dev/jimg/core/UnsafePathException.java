/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core;

/**
 * A path in the input would escape the image root: {@code ..} components, an absolute name, or a
 * symbolic link that leads outside the tree.
 */
public class UnsafePathException extends CorruptInputException {
  private static final long serialVersionUID = 1L;

  public UnsafePathException(String resource, long offset, String problem) {
    super(resource, offset, problem);
  }
}
