/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jimg.cli.CliTest.Run;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.testdata.DebCorpus;
import dev.jimg.testdata.GnuTar;
import dev.jimg.testdata.HostTree;
import dev.jimg.testdata.LoopMount;
import dev.jimg.testdata.Tool;
import dev.jimg.testdata.TreeManifest;
import dev.jimg.testdata.TreeManifestAssert;
import dev.jimg.testdata.Validators;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7's end-to-end check through the command line: {@code jimg mkfs ext4 IMG base.tar *.deb}
 * and {@code jimg extract base.tar *.deb DIR} with the real minbase package set ({@value
 * DebCorpus#ENV}; skipped without it), base.tar holding only the merged-/usr symlinks. e2fsck must
 * be silent, and the kernel (or the directory) must show the files of {@code dpkg-deb
 * --fsys-tarfile | tar -x --keep-directory-symlink} of the same packages in the same order, plus a
 * dpkg database that {@code dpkg-query} reads: every package at its version, "installed" without
 * maintainer scripts and "unpacked" with them, and a {@code .list} per package naming each of its
 * data members in archive order.
 */
class DebMinbaseImageTest {
  private static final String ADMIN_DIR = "var/lib/dpkg";
  private static final String DPKG_NEW = ".dpkg-new";

  @TempDir Path tmp;

  @Test
  void mkfsExt4_baseTarThenMinbaseDebs_mountsAsDpkgDebUnpackWithItsDatabase() throws Exception {
    List<Path> debs = DebCorpus.debs();
    Validators.require(Tool.E2FSCK, Tool.DPKG_DEB, Tool.DPKG_QUERY, Tool.TAR);
    Validators.requireLoopMount();
    Path baseTar = mergedUsrTar();

    Path image = tmp.resolve("minbase.img");
    List<String> args = new ArrayList<>(List.of("mkfs", "ext4", "-q", image.toString()));
    args.add(baseTar.toString());
    debs.forEach(d -> args.add(d.toString()));
    long start = System.nanoTime();
    Run r = CliTest.run(Map.of(), args.toArray(String[]::new));
    long mkfsMillis = (System.nanoTime() - start) / 1_000_000;
    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();
    System.err.printf(
        "jimg mkfs ext4: base.tar + %d packages in %d ms, image %d bytes%n",
        debs.size(), mkfsMillis, Files.size(image));

    Validators.e2fsckClean(image);
    try (LoopMount m = LoopMount.of(image).type("ext4").mount()) {
      checkUnpackedLikeDpkg(
          TreeManifest.ofHostDirectory(m.root()).without("lost+found"), m.root(), debs);
    }
  }

  /**
   * The same unpack into a host directory: {@code jimg extract base.tar *.deb DIR}, a pure-Java
   * {@code debootstrap --variant=extract} that needs no dpkg, mount or root (root here only so the
   * owners can be compared).
   */
  @Test
  void extract_baseTarThenMinbaseDebs_isDpkgDebUnpackWithItsDatabase() throws Exception {
    List<Path> debs = DebCorpus.debs();
    Validators.require(Tool.DPKG_DEB, Tool.DPKG_QUERY, Tool.TAR);
    Validators.requireRoot();
    Path baseTar = mergedUsrTar();

    Path out = tmp.resolve("rootfs");
    List<String> args = new ArrayList<>(List.of("extract", "-q", baseTar.toString()));
    debs.forEach(d -> args.add(d.toString()));
    args.add(out.toString());
    long start = System.nanoTime();
    Run r = CliTest.run(Map.of(), args.toArray(String[]::new));
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();
    System.err.printf("jimg extract: base.tar + %d packages in %d ms%n", debs.size(), millis);
    checkUnpackedLikeDpkg(TreeManifest.ofHostDirectory(out), out, debs);
  }

  /** A tar of only the merged-/usr symlinks, made by GNU tar. */
  private Path mergedUsrTar() throws Exception {
    Path baseDir = tmp.resolve("base");
    HostTree.write(DebCorpus.mergedUsr(), baseDir);
    Path baseTar = tmp.resolve("base.tar");
    GnuTar.create(baseDir, baseTar);
    return baseTar;
  }

  /**
   * The tree at {@code root} (its manifest given) holds the files of {@code dpkg-deb --fsys-tarfile
   * | tar -x --keep-directory-symlink} of the packages in order, and a dpkg database that {@code
   * dpkg-query} reads: every package at its version, "installed" without maintainer scripts and
   * "unpacked" with them, a {@code .list} per package with its members in order.
   */
  private void checkUnpackedLikeDpkg(TreeManifest manifest, Path root, List<Path> debs)
      throws Exception {
    Path ref = tmp.resolve("ref");
    HostTree.write(DebCorpus.mergedUsr(), ref);
    List<List<String>> members = DebCorpus.unpackWithDpkgDeb(debs, ref);
    List<DebCorpus.Package> packages = DebCorpus.describe(debs);

    TreeManifest unpacked = conffilesAtTheirNames(manifest.without(ADMIN_DIR));
    // dpkg's tar -x leaves a directory the mtime of its last change on this host, not the
    // package's; every other column of every entry, and file and link times, must match
    TreeManifestAssert check = TreeManifestAssert.assertThat(unpacked);
    for (TreeManifest.Line l : unpacked.lines()) {
      if (l.type() == 'd') {
        check = check.ignoringAt(l.path(), TreeManifest.Column.MTIME);
      }
    }
    check.matches(TreeManifest.ofHostDirectory(ref).without(ADMIN_DIR));

    Path adminDir = root.resolve(ADMIN_DIR);
    List<String> expected = new ArrayList<>();
    for (DebCorpus.Package p : packages) {
      String status =
          p.maintainerScripts().isEmpty() ? "install ok installed" : "install ok unpacked";
      expected.add(p.name() + " " + p.version() + " " + status);
    }
    assertThat(DebCorpus.dpkgQuery(adminDir)).containsExactlyInAnyOrderElementsOf(expected);

    List<String> listFiles = new ArrayList<>();
    for (int i = 0; i < packages.size(); i++) {
      String name = packages.get(i).infoName() + ".list";
      listFiles.add(name);
      assertThat(Files.readAllLines(adminDir.resolve("info").resolve(name)))
          .as(name)
          .containsExactlyElementsOf(listPaths(members.get(i)));
    }
    try (Stream<Path> s = Files.list(adminDir.resolve("info"))) {
      assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".list")))
          .containsExactlyInAnyOrderElementsOf(listFiles);
    }
  }

  /** Tar member names ({@code ./}, {@code ./usr/}, {@code ./usr/bin/ls}) as dpkg lists them. */
  private static List<String> listPaths(List<String> tarNames) {
    List<String> out = new ArrayList<>();
    for (String n : tarNames) {
      String p = n.startsWith("./") ? n.substring(1) : "/" + n;
      if (p.length() > 1 && p.endsWith("/")) {
        p = p.substring(0, p.length() - 1);
      }
      out.add(p.equals("/") ? "/." : p);
    }
    return out;
  }

  /**
   * The manifest with each {@code NAME.dpkg-new} (a conffile of a package left unpacked, as {@code
   * dpkg --unpack} leaves it) at NAME, where {@code tar -x} puts it.
   */
  private static TreeManifest conffilesAtTheirNames(TreeManifest manifest) {
    List<TreeManifest.Line> out = new ArrayList<>();
    for (TreeManifest.Line l : manifest.lines()) {
      String name = l.path().nameString();
      if (!name.endsWith(DPKG_NEW)) {
        out.add(l);
        continue;
      }
      ImagePath to = l.path().parent().child(name.substring(0, name.length() - DPKG_NEW.length()));
      out.add(
          new TreeManifest.Line(
              to,
              l.type(),
              l.mode(),
              l.uid(),
              l.gid(),
              l.mtime(),
              l.size(),
              l.sha256(),
              l.target(),
              l.device(),
              l.xattrs(),
              l.linkGroup()));
    }
    return TreeManifest.ofLines(out);
  }
}
