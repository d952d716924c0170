/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.testdata;

import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * GNU tar as a user runs it to move a host tree into an archive and back, for tests that compare a
 * directory source with a tar of the same tree. Needs {@link Tool#TAR} (GNU tar 1.28 or later) and
 * root to extract owners and devices.
 *
 * <p>Stateless and thread-safe.
 */
public final class GnuTar {
  private GnuTar() {}

  /**
   * Archives the contents of {@code dir} (as {@code ./...}, in the order the host lists them) into
   * {@code tar}: PAX format (nanosecond mtimes, any uid/gid, long names), numeric owners and the
   * {@code user.*} xattrs, without the atime and ctime GNU tar would otherwise put in each entry's
   * PAX header (as reproducible-builds.org advises): a directory source has neither, since reading
   * moves the one and no copy of a tree keeps the other (see {@code DirectorySource}).
   */
  public static void create(Path dir, Path tar) {
    Exec.run(command(dir, tar, "--recursion", ".")).requireOk();
  }

  /**
   * As {@link #create}, but the archive holds exactly {@code members} (paths relative to {@code
   * dir}, {@code "."} for the root) in the order given: children may come before their directory,
   * and the first name of a hard-link group is the one listed first.
   */
  public static void createInOrder(Path dir, Path tar, List<String> members) {
    List<String> command = command(dir, tar, "--no-recursion");
    for (String m : members) {
      command.add(m.equals(".") ? "." : "./" + m);
    }
    Exec.run(command).requireOk();
  }

  /**
   * Every path below {@code dir} relative to it, {@code "."} for {@code dir} itself, in reverse
   * order of their bytes: children before their directory, and a hard-link group's last name first.
   */
  public static List<String> membersReversed(Path dir) throws IOException {
    List<String> members = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.forEach(p -> members.add(p.equals(dir) ? "." : dir.relativize(p).toString()));
    }
    members.sort(
        (a, b) ->
            Arrays.compareUnsigned(
                b.getBytes(StandardCharsets.UTF_8), a.getBytes(StandardCharsets.UTF_8)));
    return members;
  }

  private static List<String> command(Path dir, Path tar, String... rest) {
    List<String> c =
        new ArrayList<>(
            List.of(
                Validators.require(Tool.TAR).toString(),
                "--format=posix",
                "--pax-option=delete=atime,delete=ctime",
                "--xattrs",
                "--xattrs-include=user.*",
                "--numeric-owner",
                "-C",
                dir.toString(),
                "-cf",
                tar.toString()));
    c.addAll(List.of(rest));
    return c;
  }

  /**
   * Extracts {@code tar} into {@code dir} (created if missing) keeping owners, permission bits
   * (setuid too), devices, hard links, mtimes and {@code user.*} xattrs, as root does by default.
   */
  public static void extract(Path tar, Path dir) throws IOException {
    Files.createDirectories(dir);
    Exec.run(
            Validators.require(Tool.TAR).toString(),
            "--xattrs",
            "--xattrs-include=user.*",
            "--numeric-owner",
            "--same-owner",
            "--same-permissions",
            "-C",
            dir.toString(),
            "-xf",
            tar.toString())
        .requireOk();
  }

  /**
   * {@code tree} as GNU tar keeps it: a second name of a fifo or device is archived as an
   * independent node, not as a hard link (a documented loss of that tool), so such names get their
   * own copy of the node. Sockets, which GNU tar skips, are not handled: leave them out.
   */
  public static FileTree withoutSpecialHardLinks(FileTree tree) throws IOException {
    FileTreeBuilder b = tree.toBuilder();
    for (Map.Entry<ImagePath, Entry> e : tree) {
      Entry target = tree.resolve(e.getKey());
      if (e.getValue().type() == EntryType.HARDLINK
          && (target.type().isDevice() || target.type() == EntryType.FIFO)) {
        b.put(e.getKey(), target);
      }
    }
    return b.build();
  }
}
