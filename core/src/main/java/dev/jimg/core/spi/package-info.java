/* SPDX-License-Identifier: Apache-2.0 */
/**
 * The service-provider interface format modules implement ({@link
 * dev.jimg.core.spi.FilesystemProvider}, {@link dev.jimg.core.spi.FilesystemWriter}, {@link
 * dev.jimg.core.spi.FilesystemReader}) and the registry the disk layer and CLI use to find them by
 * type name ({@link dev.jimg.core.spi.Filesystems}).
 */
package dev.jimg.core.spi;
