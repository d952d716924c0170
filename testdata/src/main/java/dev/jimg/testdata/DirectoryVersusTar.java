/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.testdata;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.Timestamp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Checks that a format writer gives the same bytes for one tree whether it comes from a host
 * directory or from a GNU tar of it ({@link GnuTar}), built as {@code jimg mkfs} builds without
 * {@code --seed} ({@link SourceBuild}), so the seed derived from the tree must agree as well.
 *
 * <p>What cannot be the same, and is therefore left out of {@link #spec(TreeSpec)}: sockets (GNU
 * tar skips them), names that are not UTF-8 (the JDK cannot name them on the host), times after
 * 2262-04-11 (the JDK reads host times that late with microseconds only), and hard links to fifos
 * and devices ({@link GnuTar#withoutSpecialHardLinks}). xattrs outside {@code user.*} may be on the
 * host, but neither side reads them: the JDK lists only {@code user.*}, and the tar is made to
 * match. Host atime and ctime are not part of a directory's tree at all ({@code DirectorySource}),
 * and the tar is made without them.
 *
 * <p>Stateless and thread-safe (for distinct work directories).
 */
public final class DirectoryVersusTar {
  /** The JDK keeps host times to the nanosecond only up to here (a long of nanoseconds). */
  public static final Timestamp JDK_NANOSECOND_LIMIT =
      Timestamp.ofSeconds(Long.MAX_VALUE / 1_000_000_000L - 1);

  private DirectoryVersusTar() {}

  /** {@code spec} narrowed to trees that a host directory and its tar both hold exactly. */
  public static TreeSpec spec(TreeSpec spec) {
    Timestamp max =
        spec.maxTime().compareTo(JDK_NANOSECOND_LIMIT) > 0 ? JDK_NANOSECOND_LIMIT : spec.maxTime();
    return spec.toBuilder()
        .without(EntryType.SOCKET)
        .names(TreeSpec.Names.UTF8)
        .times(spec.minTime(), max, spec.nanos())
        .build();
  }

  /**
   * Writes {@code tree} (from {@link #spec}) into {@code work}/root, builds it as {@code type}
   * twice from that directory (the first build reads every file, which moves host atimes), then
   * archives the directory with {@link GnuTar#create} and builds from the tar; asserts that the
   * three seeds and the three images are identical.
   *
   * @return the image built from the directory, for the caller's validator
   */
  public static Path assertDirectoryTwiceAndTarIdentical(
      String type, Map<String, String> options, FileTree tree, Path work) throws IOException {
    Path dir = work.resolve("root");
    HostTree.write(GnuTar.withoutSpecialHardLinks(tree), dir);
    SourceBuild.Built first = SourceBuild.write(type, options, dir, work.resolve("dir1.img"));
    SourceBuild.Built second = SourceBuild.write(type, options, dir, work.resolve("dir2.img"));
    Path tar = work.resolve("root.tar");
    GnuTar.create(dir, tar);
    SourceBuild.Built fromTar = SourceBuild.write(type, options, tar, work.resolve("tar.img"));
    assertSame(first, second);
    assertSame(first, fromTar);
    return first.image();
  }

  /**
   * Extracts {@code exampleTar} into {@code work}/root and archives that directory again with every
   * name in reverse byte order ({@link GnuTar#membersReversed}: children before parents, another
   * name of each hard-link group first); builds all three as {@code type} and asserts identical
   * seeds and images.
   *
   * @return the image built from the directory, for the caller's validator
   */
  public static Path assertExtractionAndReversedTarIdentical(
      String type, Map<String, String> options, Path exampleTar, Path work) throws IOException {
    Path dir = work.resolve("root");
    GnuTar.extract(exampleTar, dir);
    Path reversed = work.resolve("reversed.tar");
    GnuTar.createInOrder(dir, reversed, GnuTar.membersReversed(dir));
    SourceBuild.Built fromTar = SourceBuild.write(type, options, exampleTar, work.resolve("t.img"));
    SourceBuild.Built fromDir = SourceBuild.write(type, options, dir, work.resolve("d.img"));
    SourceBuild.Built fromReversed =
        SourceBuild.write(type, options, reversed, work.resolve("r.img"));
    assertSame(fromTar, fromDir);
    assertSame(fromTar, fromReversed);
    return fromDir.image();
  }

  private static void assertSame(SourceBuild.Built expected, SourceBuild.Built actual)
      throws IOException {
    assertThat(actual.seed()).as("seed of %s", actual.image()).isEqualTo(expected.seed());
    assertThat(Files.mismatch(expected.image(), actual.image()))
        .as("first byte where %s and %s differ", expected.image(), actual.image())
        .isEqualTo(-1L);
  }
}
