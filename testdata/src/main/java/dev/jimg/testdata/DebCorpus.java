/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.testdata;

import dev.jimg.core.TreeConflictException;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real set of .deb packages (a Debian bookworm minbase, downloaded by {@code .ci/run}) and dpkg's
 * own tools as the reference for unpacking it: the base tree of merged-/usr symlinks, {@code
 * dpkg-deb --fsys-tarfile | tar -x --keep-directory-symlink} of every package in order, the control
 * fields as {@code dpkg-deb --show} reads them, and {@code dpkg-query --admindir} over a database.
 *
 * <p>Stateless and thread-safe (for distinct target directories).
 */
public final class DebCorpus {
  /** Environment variable naming the directory of .deb files. */
  public static final String ENV = "JIMG_DEB_CORPUS";

  /** System property that overrides {@value #ENV}. */
  public static final String PROPERTY = "jimg.deb.corpus";

  /** The time of every entry of {@link #mergedUsr()} (2024-01-01T00:00:00Z). */
  public static final Timestamp BASE_TIME = Timestamp.ofSeconds(1_704_067_200L);

  /** What {@link #dpkgQuery} asks for: one line per package. */
  public static final String QUERY_FORMAT = "${Package} ${Version} ${Status}\\n";

  private DebCorpus() {}

  /**
   * The .deb files of the corpus sorted by file name (the order a shell's {@code *.deb} gives in
   * the C locale); skips the calling test (fails it in strict mode) when {@value #PROPERTY} and
   * {@value #ENV} are both unset.
   */
  public static List<Path> debs() {
    String property = System.getProperty(PROPERTY);
    Path dir =
        property != null
            ? Path.of(property)
            : Validators.requireEnvFile(
                ENV, "a directory of .deb files, e.g. apt-get download of a minbase (.ci/run)");
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".deb")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  /**
   * The base a merged-/usr Debian unpacks over: {@code usr/bin}, {@code usr/sbin}, {@code usr/lib},
   * {@code usr/lib64} and the symlinks {@code bin}, {@code sbin}, {@code lib}, {@code lib64} to
   * them; directories 0755, owner 0:0, all at {@link #BASE_TIME}.
   */
  public static FileTree mergedUsr() throws TreeConflictException {
    FileTreeBuilder b = new FileTreeBuilder();
    b.put(ImagePath.ROOT, Entry.directory(0755, BASE_TIME));
    for (String d : List.of("usr", "usr/bin", "usr/sbin", "usr/lib", "usr/lib64")) {
      b.put(ImagePath.of(d), Entry.directory(0755, BASE_TIME));
    }
    for (String l : List.of("bin", "sbin", "lib", "lib64")) {
      b.put(ImagePath.of(l), Entry.symlink("usr/" + l, BASE_TIME));
    }
    return b.build();
  }

  /**
   * Unpacks {@code debs} in order into {@code dir} (which already holds the base) as {@code
   * dpkg-deb --fsys-tarfile DEB | tar -x --keep-directory-symlink --no-overwrite-dir} does; needs
   * root for the owners.
   *
   * @return per package, in the order given, the names of its data members in archive order as tar
   *     lists them ({@code ./}, {@code ./usr/}, {@code ./usr/bin/ls})
   */
  public static List<List<String>> unpackWithDpkgDeb(List<Path> debs, Path dir) throws IOException {
    Validators.require(Tool.DPKG_DEB, Tool.TAR);
    Path listings = Files.createTempDirectory("jimg-deb-listings");
    try {
      List<String> command = new ArrayList<>();
      command.addAll(
          List.of(
              "sh",
              "-c",
              "set -e; ref=$1; out=$2; shift 2; i=0\n"
                  + "for d in \"$@\"; do\n"
                  + "  i=$((i + 1))\n"
                  + "  dpkg-deb --fsys-tarfile \"$d\" | tar -x -v --quoting-style=literal"
                  + " --keep-directory-symlink --no-overwrite-dir -C \"$ref\" > \"$out/$i\"\n"
                  + "done",
              "sh",
              dir.toString(),
              listings.toString()));
      debs.forEach(d -> command.add(d.toString()));
      Exec.run(command).requireOk();
      List<List<String>> out = new ArrayList<>();
      for (int i = 1; i <= debs.size(); i++) {
        out.add(Files.readAllLines(listings.resolve(Integer.toString(i))));
      }
      return out;
    } finally {
      Validators.deleteQuietly(listings);
    }
  }

  /**
   * A package's identity as {@code dpkg-deb} reads it.
   *
   * @param deb the file
   * @param name {@code Package}
   * @param version {@code Version}
   * @param architecture {@code Architecture}
   * @param multiArch {@code Multi-Arch}, or empty
   * @param controlMembers the names in its control archive ({@code control}, {@code postinst}, ...)
   */
  public record Package(
      Path deb,
      String name,
      String version,
      String architecture,
      String multiArch,
      List<String> controlMembers) {
    public Package {
      controlMembers = List.copyOf(controlMembers);
    }

    /** The name of its files in {@code var/lib/dpkg/info}: {@code PKG:ARCH} for Multi-Arch same. */
    public String infoName() {
      return multiArch.equals("same") ? name + ":" + architecture : name;
    }

    /** Which of preinst, postinst, prerm, postrm and config it carries. */
    public List<String> maintainerScripts() {
      return Stream.of("preinst", "postinst", "prerm", "postrm", "config")
          .filter(controlMembers::contains)
          .toList();
    }
  }

  /** The packages' control fields and control members, read by {@code dpkg-deb}, in order. */
  public static List<Package> describe(List<Path> debs) {
    Validators.require(Tool.DPKG_DEB, Tool.TAR);
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            "sh",
            "-c",
            "set -e\n"
                + "for d in \"$@\"; do\n"
                + "  dpkg-deb --show"
                + " --showformat='P ${Package} ${Version} ${Architecture} ${Multi-Arch}\\n' \"$d\"\n"
                + "  dpkg-deb --ctrl-tarfile \"$d\" | tar -t | sed 's|^\\./|C |'\n"
                + "done",
            "sh"));
    debs.forEach(d -> command.add(d.toString()));
    List<String> lines = Exec.run(command).requireOk().lines();
    List<Package> out = new ArrayList<>();
    String[] fields = null;
    List<String> members = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith("P ")) {
        if (fields != null) {
          out.add(pkg(debs.get(out.size()), fields, members));
        }
        fields = line.split(" ", -1);
        members = new ArrayList<>();
      } else if (line.startsWith("C ") && line.length() > 2) {
        members.add(line.substring(2));
      }
    }
    if (fields != null) {
      out.add(pkg(debs.get(out.size()), fields, members));
    }
    if (out.size() != debs.size()) {
      throw new AssertionError("dpkg-deb described " + out.size() + " of " + debs.size());
    }
    return out;
  }

  private static Package pkg(Path deb, String[] fields, List<String> members) {
    if (fields.length != 5) {
      throw new AssertionError(
          deb + ": unexpected dpkg-deb --show line " + String.join(" ", fields));
    }
    return new Package(deb, fields[1], fields[2], fields[3], fields[4], members);
  }

  /**
   * {@code dpkg-query --admindir=ADMINDIR -W -f '}{@value #QUERY_FORMAT}{@code '}: one line per
   * package, {@code NAME VERSION WANT OK STATUS} (e.g. {@code dash 0.5.12-2 install ok installed});
   * asserts exit 0.
   */
  public static List<String> dpkgQuery(Path adminDir) {
    Path tool = Validators.require(Tool.DPKG_QUERY);
    return Exec.run(tool.toString(), "--admindir=" + adminDir, "-W", "-f", QUERY_FORMAT)
        .requireOk()
        .lines();
  }
}
