/* SPDX-License-Identifier: Apache-2.0 */
/**
 * The ext4 module of jimg: ext2, ext3 and ext4 writers and a reader (types {@code "ext2"}, {@code
 * "ext3"}, {@code "ext4"} through {@link dev.jimg.core.spi.FilesystemProvider}), judged by e2fsck
 * and the kernel.
 */
package dev.jimg.ext4;
