/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.ext4;

/**
 * The {@code ext4} filesystem type: ext4 (Linux extended filesystem, version 4). Stateless and
 * thread-safe.
 */
public final class Ext4Provider extends ExtProvider {
  /** For {@link java.util.ServiceLoader}. */
  public Ext4Provider() {
    super("ext4", "ext4 (Linux extended filesystem, version 4)", Features.EXT4);
  }
}
