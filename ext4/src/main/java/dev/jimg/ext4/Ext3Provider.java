/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.ext4;

/**
 * The {@code ext3} filesystem type: ext3 (Linux ext2 with a journal). Stateless and thread-safe.
 */
public final class Ext3Provider extends ExtProvider {
  /** For {@link java.util.ServiceLoader}. */
  public Ext3Provider() {
    super("ext3", "ext3 (Linux ext2 with a journal)", Features.EXT3);
  }
}
