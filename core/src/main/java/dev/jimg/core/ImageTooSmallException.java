/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core;

/** The requested image or partition size cannot hold the tree. Carries needed and given bytes. */
public class ImageTooSmallException extends JimgException {
  private static final long serialVersionUID = 1L;

  private final long neededBytes;
  private final long givenBytes;

  public ImageTooSmallException(String message, long neededBytes, long givenBytes) {
    super(message);
    this.neededBytes = neededBytes;
    this.givenBytes = givenBytes;
  }

  public long neededBytes() {
    return neededBytes;
  }

  public long givenBytes() {
    return givenBytes;
  }
}
