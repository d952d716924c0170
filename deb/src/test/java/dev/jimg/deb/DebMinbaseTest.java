/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.deb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.testdata.DebCorpus;
import dev.jimg.testdata.HostTree;
import dev.jimg.testdata.TreeManifest;
import dev.jimg.testdata.TreeManifestAssert;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-to-end check on a real package set, opt-in because the packages stay out of git:
 * {@code mvn ... -Djimg.deb.corpus=DIR} with DIR holding .deb files (e.g. {@code apt-get download}
 * of a bookworm minbase set; bench/deb-vs-dpkg.sh times the same unpack). Unpacked over merged-/usr
 * symlinks in file name order, the files must equal {@code dpkg-deb --fsys-tarfile | tar -x
 * --keep-directory-symlink} of the same packages, and {@code dpkg-query --admindir} must list every
 * package.
 */
class DebMinbaseTest {
  @TempDir Path tmp;

  @Test
  void unpack_realPackageSetOnOneThreadAndOnThree_identicalTrees() throws Exception {
    List<Path> debs = DebCorpus.debs();
    try (UnpackedTree one = DebUnpacker.over(DebCorpus.mergedUsr()).threads(1).unpack(debs);
        UnpackedTree three = DebUnpacker.over(DebCorpus.mergedUsr()).threads(3).unpack(debs)) {
      // every column, contents by SHA-256
      TreeManifestAssert.assertThat(TreeManifest.of(three.tree()))
          .matches(TreeManifest.of(one.tree()));
      assertThat(DebUnpackerTest.text(three.tree(), "var/lib/dpkg/status"))
          .isEqualTo(DebUnpackerTest.text(one.tree(), "var/lib/dpkg/status"));
    }
  }

  @Test
  void unpack_realPackageSet_equalsDpkgDebTarExtractAndDpkgQueryListsAll() throws Exception {
    List<Path> debs = DebCorpus.debs();
    FileTree base = DebCorpus.mergedUsr();
    long start = System.nanoTime();
    try (UnpackedTree t = DebUnpacker.over(base).unpack(debs)) {
      long ours = System.nanoTime() - start;

      Path ref = tmp.resolve("ref");
      HostTree.write(base, ref);
      long refStart = System.nanoTime();
      DebCorpus.unpackWithDpkgDeb(debs, ref);
      long theirs = System.nanoTime() - refStart;
      System.err.printf(
          "jimg: %d packages unpacked in %d ms; dpkg-deb | tar loop %d ms%n",
          debs.size(), ours / 1_000_000, theirs / 1_000_000);

      // our tree without the database, conffiles of unpacked packages back at their names
      FileTreeBuilder b = t.tree().toBuilder();
      b.remove(ImagePath.of("var/lib/dpkg"));
      for (Map.Entry<ImagePath, Entry> e : t.tree().entries().entrySet()) {
        String name = e.getKey().nameString();
        if (name.endsWith(".dpkg-new")) {
          b.remove(e.getKey());
          b.put(
              e.getKey().parent().child(name.substring(0, name.length() - ".dpkg-new".length())),
              e.getValue());
        }
      }
      FileTree mine = b.build();
      Fixtures.run("rm", "-rf", ref.resolve("var/lib/dpkg").toString());
      TreeManifestAssert check =
          TreeManifestAssert.assertThat(TreeManifest.of(mine))
              .ignoringAt(".", TreeManifest.Column.MTIME);
      for (var e : mine) {
        if (e.getValue().type() == EntryType.DIRECTORY) {
          check = check.ignoringAt(e.getKey(), TreeManifest.Column.MTIME);
        }
      }
      check.matches(TreeManifest.ofHostDirectory(ref));

      Path written = tmp.resolve("ours");
      HostTree.write(t.tree(), written);
      List<String> query = DebCorpus.dpkgQuery(written.resolve("var/lib/dpkg"));
      List<String> expected = new ArrayList<>();
      for (UnpackedTree.Package p : t.packages()) {
        expected.add(p.name() + " " + p.version() + " " + p.status());
      }
      assertThat(query).containsExactlyInAnyOrderElementsOf(expected);
      for (Path deb : debs) {
        DebPackage pkg = DebPackage.open(deb);
        String list =
            DebUnpackerTest.text(t.tree(), "var/lib/dpkg/info/" + pkg.infoName() + ".list");
        assertThat(list.split("\n")).as(pkg.infoName()).hasSize(pkg.dataMembers().size());
      }
    }
  }
}
