/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.testdata;

import dev.jimg.core.io.HostTreeWriter;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import dev.jimg.core.tree.Xattr;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random trees written to the host by {@link HostTreeWriter} (what {@code jimg extract} does) read
 * back through {@code find} and {@code getfattr} equal to the tree: types, modes with
 * setuid/setgid/sticky, owners, mtimes to the nanosecond from 1901 to 2446, contents (sparse too),
 * link targets, hard-link groups and user xattrs; xattrs of other namespaces are reported as left
 * out, since a JVM cannot set them.
 */
@RequiresHost(
    tools = {Tool.GETFATTR},
    root = true)
class HostTreeWriterProperties {
  @Property(tries = 30)
  void write_randomTree_hostDirectoryEqualsTheTree(@ForAll("trees") FileTree tree)
      throws IOException {
    Path dir = Files.createTempDirectory("jimg-extract");
    try {
      HostTreeWriter.Result r =
          new HostTreeWriter(HostTreeWriter.Options.defaults()).write(tree, dir.resolve("t"));

      // the tree's manifest with what the host cannot take taken out, line by line (a changed
      // tree would lose its hard-link groups)
      List<TreeManifest.Line> lines = new ArrayList<>();
      long dropped = 0;
      List<ImagePath> inexact = new ArrayList<>();
      for (TreeManifest.Line l : TreeManifest.of(tree).lines()) {
        Entry raw = tree.get(l.path());
        Entry e = tree.resolve(l.path());
        List<Xattr> user = e.xattrs().stream().filter(x -> x.name().startsWith("user.")).toList();
        Timestamp t = hostTime(e.mtime(), e.type() == EntryType.SYMLINK);
        if (raw.type() != EntryType.HARDLINK) {
          dropped += e.xattrs().size() - user.size();
          if (!t.equals(e.mtime())) {
            inexact.add(l.path());
          }
        }
        lines.add(
            new TreeManifest.Line(
                l.path(),
                l.type(),
                l.mode(),
                l.uid(),
                l.gid(),
                t,
                l.size(),
                l.sha256(),
                l.target(),
                l.device(),
                TreeManifest.xattrs(user),
                l.linkGroup()));
      }
      TreeManifestAssert.assertThat(TreeManifest.ofHostDirectory(dir.resolve("t")))
          .matches(TreeManifest.ofLines(lines));
      org.assertj.core.api.Assertions.assertThat(r.droppedXattrs()).hasSize((int) dropped);
      org.assertj.core.api.Assertions.assertThat(r.ownersSet()).isTrue();
      org.assertj.core.api.Assertions.assertThat(r.inexactTimes()).isEqualTo(inexact);
    } finally {
      Validators.deleteQuietly(dir);
    }
  }

  /**
   * What JDK 17 can set, written out here independently of the writer: seconds before 1970
   * (nanoseconds split by truncating division give a negative fraction the kernel refuses),
   * microseconds for symlinks ({@code lutimes}), files saturate at 2^63 - 1 ns.
   */
  private static Timestamp hostTime(Timestamp t, boolean symlink) {
    if (t.seconds() < 0) {
      return Timestamp.ofSeconds(t.seconds());
    }
    if (symlink) {
      return new Timestamp(t.seconds(), t.nanos() / 1000 * 1000);
    }
    Timestamp latest = Timestamp.of(java.time.Instant.ofEpochSecond(0, Long.MAX_VALUE));
    return t.compareTo(latest) > 0 ? latest : t;
  }

  @Provide
  Arbitrary<FileTree> trees() {
    return TreeArbitraries.trees(
        TreeSpec.small().toBuilder()
            .without(
                EntryType.CHAR_DEVICE, EntryType.BLOCK_DEVICE, EntryType.FIFO, EntryType.SOCKET)
            .names(TreeSpec.Names.UTF8)
            .build());
  }
}
