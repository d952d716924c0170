/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.spi;

import dev.jimg.core.InvalidOptionException;
import dev.jimg.core.tree.FileTree;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/**
 * What a format module (ext4, squashfs, fat) offers the rest of jimg, found through {@link
 * java.util.ServiceLoader}: list the implementing class in {@code
 * META-INF/services/dev.jimg.core.spi.FilesystemProvider} of the module's jar. The disk layer and
 * the CLI reach formats only through this interface and {@link Filesystems}, never by class name.
 *
 * <p>Implementations have a public no-argument constructor, are stateless and thread-safe. A module
 * that writes several variants (ext2, ext3, ext4) registers one provider per type name.
 */
public interface FilesystemProvider {
  /** The type name users give ({@code "ext4"}, {@code "squashfs"}, {@code "fat"}): lower case. */
  String type();

  /** One line for listings ({@code "ext4 (Linux extended filesystem, version 4)"}). */
  String description();

  /**
   * The options {@link #newWriter} understands, name → one-line description, sorted by name. Used
   * for help and for the message when an unknown option is given.
   */
  SortedMap<String, String> writerOptions();

  /**
   * The options of {@link #writerOptions()} that are flags (on when given, {@code "true"}): the
   * command line never takes the next word as their value. Empty by default.
   */
  default java.util.Set<String> writerFlags() {
    return java.util.Set.of();
  }

  /**
   * A writer configured by {@code options} (keys from {@link #writerOptions()}, values as the user
   * typed them).
   *
   * @throws InvalidOptionException if a key is unknown (naming it and listing the known ones, see
   *     {@link FilesystemOptions#requireKnown}) or a value is malformed
   */
  FilesystemWriter newWriter(Map<String, String> options, WriteContext context)
      throws InvalidOptionException;

  /**
   * Checks {@code options} as {@link #newWriter} would, without making a writer: the command line
   * calls it before it reads any input, so a malformed value fails at once rather than after a long
   * read of the sources. The default checks nothing; {@link #newWriter} still checks everything.
   *
   * @throws InvalidOptionException as {@link #newWriter} would for these options
   */
  default void checkOptions(Map<String, String> options) throws InvalidOptionException {}

  /**
   * The tree as far as this format stores it, for the seed that identities (UUIDs, volume ids, hash
   * seeds) are derived from when none is given ({@link dev.jimg.core.repro.Identities#seedFor}):
   * two trees the format cannot tell apart, such as two trees differing only in owners for a format
   * without owners, then get the same identities and so the same image. The default is the tree.
   */
  default FileTree storedView(FileTree tree) {
    return tree;
  }

  /** A reader for this type, if the module has one. */
  default Optional<FilesystemReader> newReader() {
    return Optional.empty();
  }
}
