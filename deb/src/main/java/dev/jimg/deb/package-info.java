/* SPDX-License-Identifier: Apache-2.0 */
/**
 * Debian packages for jimg: reading {@code .deb} files ({@link dev.jimg.deb.DebPackage}), deb822
 * control data ({@link dev.jimg.deb.Deb822}, {@link dev.jimg.deb.ControlParagraph}), a {@code .deb}
 * as a source of trees ({@link dev.jimg.deb.DebSourceProvider}), and unpacking packages into a tree
 * with the dpkg database, as {@code dpkg --unpack} does ({@link dev.jimg.deb.DebUnpacker}).
 */
package dev.jimg.deb;
