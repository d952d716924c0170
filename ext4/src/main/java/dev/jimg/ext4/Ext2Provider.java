/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.ext4;

/**
 * The {@code ext2} filesystem type: ext2 (Linux second extended filesystem, block maps, no
 * journal). Stateless and thread-safe.
 */
public final class Ext2Provider extends ExtProvider {
  /** For {@link java.util.ServiceLoader}. */
  public Ext2Provider() {
    super("ext2", "ext2 (Linux second extended filesystem, block maps, no journal)", Features.EXT2);
  }
}
