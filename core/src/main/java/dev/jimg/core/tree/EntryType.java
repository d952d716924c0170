/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.tree;

/** The kinds of entry a tree holds, with their POSIX {@code S_IFMT} bits. */
public enum EntryType {
  REGULAR(0100000, '-'),
  DIRECTORY(0040000, 'd'),
  SYMLINK(0120000, 'l'),
  /** Another name for an entry elsewhere in the tree (same inode). */
  HARDLINK(0100000, 'h'),
  CHAR_DEVICE(0020000, 'c'),
  BLOCK_DEVICE(0060000, 'b'),
  FIFO(0010000, 'p'),
  SOCKET(0140000, 's');

  private final int formatBits;
  private final char lsChar;

  EntryType(int formatBits, char lsChar) {
    this.formatBits = formatBits;
    this.lsChar = lsChar;
  }

  /** The {@code S_IFMT} bits of {@code st_mode} (a hard link reports a regular file's). */
  public int formatBits() {
    return formatBits;
  }

  /** The type letter {@code ls -l} shows ({@code h} for a hard link). */
  public char lsChar() {
    return lsChar;
  }

  /** Whether entries of this type carry device numbers. */
  public boolean isDevice() {
    return this == CHAR_DEVICE || this == BLOCK_DEVICE;
  }
}
