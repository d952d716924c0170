/* SPDX-License-Identifier: Apache-2.0 */
/**
 * Squashfs 4.0 (as the Linux kernel reads it): {@link dev.jimg.squashfs.SquashfsWriter} writes an
 * image from a {@link dev.jimg.core.tree.FileTree}, {@link dev.jimg.squashfs.SquashfsReader} reads
 * one (ours or mksquashfs's) back, and {@link dev.jimg.squashfs.SquashfsProvider} offers both as
 * the {@code squashfs} filesystem type with the options {@code compression} (zstd, the default; xz;
 * gzip; none), {@code level}, {@code block-size}, {@code threads}, {@code no-fragments}, {@code
 * no-dedup}, {@code xz-filters} and {@code exportable}.
 *
 * <p>What the writer guarantees: the same tree and options give the same bytes whatever the thread
 * count, insertion order or host; data blocks are compressed in parallel through a bounded queue,
 * so memory does not grow with content size (metadata grows with the number of entries); all-zero
 * blocks are holes; tails share fragment blocks; identical files are stored once after a byte
 * comparison; extended inodes are used only where the format requires them; directories keep {@code
 * nlink = 2 + subdirectories}. lz4 and lzo are not written (no maintained Java library gives raw
 * lz4 blocks in the dependency set); the reader rejects them with a message.
 */
package dev.jimg.squashfs;
