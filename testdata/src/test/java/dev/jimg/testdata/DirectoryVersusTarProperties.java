/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.testdata;

import dev.jimg.core.source.DirectorySource;
import dev.jimg.core.source.SourceOptions;
import dev.jimg.core.source.TarSource;
import dev.jimg.core.tree.FileTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
  @Property(tries = 15)
  void directoryAndItsTar_readToTheSameTree(@ForAll("trees") FileTree tree) throws IOException {
    Path tmp = Files.createTempDirectory("jimg-dir-tar");
    try {
      Path dir = tmp.resolve("root");
      HostTree.write(GnuTar.withoutSpecialHardLinks(tree), dir);
      Path tar = tmp.resolve("root.tar");
      GnuTar.create(dir, tar);

      SourceOptions options = SourceOptions.defaults();
      try (DirectorySource fromDir = DirectorySource.open(dir, options);
          TarSource fromTar = TarSource.open(tar, options)) {
        TreeManifestAssert.assertThat(TreeManifest.of(fromTar.tree()))
            .matches(TreeManifest.of(fromDir.tree()));
        TreeManifestAssert.assertThat(TreeManifest.of(fromDir.tree()))
            .matches(TreeManifest.of(GnuTar.withoutSpecialHardLinks(tree)));
      }
    } finally {
      Validators.deleteQuietly(tmp);
    }
  }

  @Provide
  Arbitrary<FileTree> trees() {
    return TreeArbitraries.trees(
        DirectoryVersusTar.spec(TreeSpec.small().toBuilder().xattrs(false).build()));
  }
}
