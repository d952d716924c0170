/* SPDX-License-Identifier: Apache-2.0 */
/**
 * Shared test support for the format modules (test scope only; core cannot use it).
 *
 * <ul>
 *   <li>{@link dev.jimg.testdata.Validators} and {@link dev.jimg.testdata.Tool}: find the real
 *       judges (e2fsck, unsquashfs, fsck.fat, sgdisk, qemu-img, ...), skip a test when one is
 *       missing (fail it when {@code JIMG_REQUIRE_VALIDATORS=1}), and run them with "warnings are
 *       failures": {@code e2fsckClean}, {@code fsckFatClean}, {@code sgdiskClean}, {@code
 *       unsquashfsList}, {@code unsquashfsExtract}, {@code partitions}, {@code qemuImgCompare}.
 *       jqwik properties declare needs with {@link dev.jimg.testdata.RequiresHost} instead.
 *   <li>{@link dev.jimg.testdata.LoopMount}: {@code mount -o loop,ro} an image (or a partition of
 *       one) for the length of a try-with-resources block.
 *   <li>{@link dev.jimg.testdata.TreeArbitraries} and {@link dev.jimg.testdata.TreeSpec}: jqwik
 *       generators of random, valid, shrinkable {@code FileTree}s, shaped per format; contents are
 *       {@link dev.jimg.testdata.SeededContent} (lazy, deterministic, sparse when asked).
 *   <li>{@link dev.jimg.testdata.TreeManifest} and {@link dev.jimg.testdata.TreeManifestAssert}:
 *       compare a tree with a mounted or extracted image column by column.
 *   <li>{@link dev.jimg.testdata.HostTree}: write a tree to a host directory (raw names, owners,
 *       devices, sockets, xattrs, nanosecond times, sparse files) to feed peer tools.
 *   <li>{@link dev.jimg.testdata.DebCorpus}: the real .deb set named by {@code JIMG_DEB_CORPUS},
 *       the merged-/usr base, and dpkg's tools as its reference ({@code dpkg-deb | tar -x}, {@code
 *       dpkg-deb --show}, {@code dpkg-query --admindir}).
 *   <li>{@link dev.jimg.testdata.Exec}: run a command with a timeout, capturing exit code and
 *       output.
 * </ul>
 *
 * <p>This is main code, so the banned-API check applies; the two reads of host state (PATH and
 * {@code JIMG_REQUIRE_VALIDATORS}) sit in one class annotated {@code @AllowNondeterminism}.
 */
package dev.jimg.testdata;
