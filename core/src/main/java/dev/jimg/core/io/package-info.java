/* SPDX-License-Identifier: Apache-2.0 */
/**
 * Where image bytes go: {@link dev.jimg.core.io.ImageChannel} (positional, sliceable, sparse), its
 * file and memory implementations, and {@link dev.jimg.core.io.AtomicOutput}, which puts a finished
 * image in place or nothing at all.
 */
package dev.jimg.core.io;
