/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.testdata;

import dev.jimg.core.source.DirectorySource;
import dev.jimg.core.source.SourceOptions;
import dev.jimg.core.source.TarSource;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A host directory and a GNU tar of it (made as root, PAX format) read to the same tree, every
 * column of the manifest compared. Sockets are left out (GNU tar skips them); names are UTF-8 (the
 * JDK cannot name other bytes on the host); xattrs are left out here because the JDK reads only
 * {@code user.*} from a directory (DirectorySourceTest and the tar dialect matrix cover them).
 */
@RequiresHost(
    tools = {Tool.SETFATTR, Tool.GETFATTR, Tool.TAR},
    root = true)
class DirectoryVersusTarProperties {
  /**
   * The JDK keeps host file times to the nanosecond only while they fit a long of nanoseconds
   * (until 2262-04-11); later ones it truncates to microseconds, so DirectorySource can't see them.
   */
  private static final Timestamp JDK_NANOSECOND_LIMIT =
      Timestamp.ofSeconds(Long.MAX_VALUE / 1_000_000_000L - 1);

  @Property(tries = 15)
  void directoryAndItsTar_readToTheSameTree(@ForAll("trees") FileTree tree) throws IOException {
    Path tmp = Files.createTempDirectory("jimg-dir-tar");
    try {
      Path dir = tmp.resolve("root");
      HostTree.write(withoutSpecialHardLinks(tree), dir);
      Path tar = tmp.resolve("root.tar");
      Exec.run(
              Validators.require(Tool.TAR).toString(),
              "--format=posix",
              "--xattrs",
              "--xattrs-include=user.*",
              "--numeric-owner",
              "-C",
              dir.toString(),
              "-cf",
              tar.toString(),
              ".")
          .requireOk();

      SourceOptions options = SourceOptions.defaults();
      try (DirectorySource fromDir = DirectorySource.open(dir, options);
          TarSource fromTar = TarSource.open(tar, options)) {
        TreeManifestAssert.assertThat(TreeManifest.of(fromTar.tree()))
            .matches(TreeManifest.of(fromDir.tree()));
        TreeManifestAssert.assertThat(TreeManifest.of(fromDir.tree()))
            .matches(TreeManifest.of(withoutSpecialHardLinks(tree)));
      }
    } finally {
      Validators.deleteQuietly(tmp);
    }
  }

  /**
   * GNU tar archives a second name of a fifo or device as an independent node, not as a hard link
   * (a documented loss of that tool, not ours): give such names their own copy of the node.
   */
  private static FileTree withoutSpecialHardLinks(FileTree tree) throws IOException {
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

  @Provide
  Arbitrary<FileTree> trees() {
    return TreeArbitraries.trees(
        TreeSpec.small().toBuilder()
            .without(EntryType.SOCKET)
            .names(TreeSpec.Names.UTF8)
            .xattrs(false)
            .times(TreeSpec.EXT4_MIN_TIME, JDK_NANOSECOND_LIMIT, true)
            .build());
  }
}
