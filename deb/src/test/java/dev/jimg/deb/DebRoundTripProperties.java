/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.deb;

import dev.jimg.core.source.SourceOptions;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.Timestamp;
import dev.jimg.testdata.Exec;
import dev.jimg.testdata.HostTree;
import dev.jimg.testdata.RequiresHost;
import dev.jimg.testdata.TreeArbitraries;
import dev.jimg.testdata.TreeManifest;
import dev.jimg.testdata.TreeManifestAssert;
import dev.jimg.testdata.TreeSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random trees packed by the real {@code dpkg-deb --build} (every compression) read back through
 * {@link DebData} to the same tree: types, modes, owners, times (seconds), contents, link targets,
 * hard links and devices. Times stay in the past: dpkg-deb clamps later ones to the build time.
 */
@RequiresHost(root = true)
class DebRoundTripProperties {
  private static final String[] COMPRESSIONS = {"gzip", "xz", "zstd", "none"};

  @Provide
  Arbitrary<FileTree> trees() {
    TreeSpec spec =
        TreeSpec.small().toBuilder()
            .types(
                EnumSet.of(
                    EntryType.REGULAR,
                    EntryType.DIRECTORY,
                    EntryType.SYMLINK,
                    EntryType.HARDLINK,
                    EntryType.CHAR_DEVICE,
                    EntryType.BLOCK_DEVICE,
                    EntryType.FIFO))
            .nameFilter(n -> indexOf(n, (byte) '\n') < 0 && !"DEBIAN".equals(ascii(n)))
            .sparse(false)
            .xattrs(false)
            .times(Timestamp.EPOCH, Timestamp.ofSeconds(1_600_000_000L), false)
            .build();
    // dpkg-deb stores hard links to devices and FIFOs as separate entries: only files are linked
    return TreeArbitraries.trees(spec).filter(DebRoundTripProperties::linksOnlyFiles);
  }

  private static boolean linksOnlyFiles(FileTree tree) {
    for (var e : tree) {
      if (e.getValue().type() == EntryType.HARDLINK
          && tree.resolve(e.getKey()).type() != EntryType.REGULAR) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] b, byte x) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == x) {
        return i;
      }
    }
    return -1;
  }

  private static String ascii(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  @Property(tries = 12)
  void dpkgDebBuild_anyTree_readsBackTheSameTree(@ForAll("trees") FileTree tree) throws Exception {
    Fixtures.requireDpkg("dpkg-deb");
    Path dir = Files.createTempDirectory("jimg-deb-prop");
    try {
      Path root = dir.resolve("root");
      HostTree.write(tree, root);
      Files.createDirectories(root.resolve("DEBIAN"));
      Files.writeString(
          root.resolve("DEBIAN/control"),
          "Package: prop\nVersion: 1\nArchitecture: all\nMaintainer: t <t@t>\nDescription: p\n");
      Exec.run("chmod", "u=rwx,go=rx,ug-s", root.resolve("DEBIAN").toString()).requireOk();
      Path deb = dir.resolve("prop.deb");
      String z = COMPRESSIONS[Math.floorMod(tree.size(), COMPRESSIONS.length)];
      Exec.Result r =
          Exec.run(
              "env",
              "-u",
              "SOURCE_DATE_EPOCH",
              "dpkg-deb",
              "-Z" + z,
              "--build",
              root.toString(),
              deb.toString());
      r.requireOk();
      try (DebData d = DebData.read(DebPackage.open(deb), SourceOptions.defaults())) {
        FileTreeBuilder expected = tree.toBuilder();
        TreeManifestAssert.assertThat(TreeManifest.of(d.tree()))
            .withMtimeSeconds()
            .ignoringAt(
                ".",
                TreeManifest.Column.MTIME,
                TreeManifest.Column.MODE,
                TreeManifest.Column.UID,
                TreeManifest.Column.GID)
            .matches(expected.build());
      }
    } finally {
      Exec.run("rm", "-rf", dir.toString());
    }
  }
}
