/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.testdata;

import dev.jimg.core.source.DirectorySource;
import dev.jimg.core.source.SourceOptions;
import dev.jimg.core.source.TarSource;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A host directory and a GNU tar of it (made as root, PAX format, user xattrs) read to the same
 * tree, every column of the manifest compared. Sockets are left out (GNU tar skips them); names are
 * UTF-8 (the JDK cannot name other bytes on the host); xattrs are {@code user.*} only (the JDK reads
 * no other namespace from a directory).
 */
@RequiresHost(
    tools = {Tool.SETFATTR, Tool.GETFATTR, Tool.TAR},
    root = true)
class DirectoryVersusTarProperties {
  @Property(tries = 15)
  void directoryAndItsTar_readToTheSameTree(@ForAll("trees") FileTree tree) throws IOException {
    Path tmp = Files.createTempDirectory("jimg-dir-tar");
    try {
      Path dir = tmp.resolve("root");
      HostTree.write(tree, dir);
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
            .matches(TreeManifest.of(tree));
      }
    } finally {
      Validators.deleteQuietly(tmp);
    }
  }

  @Provide
  Arbitrary<FileTree> trees() {
    return TreeArbitraries.trees(
        TreeSpec.small().toBuilder()
            .without(EntryType.SOCKET)
            .names(TreeSpec.Names.UTF8)
            .xattrs(false)
            .build());
  }
}
