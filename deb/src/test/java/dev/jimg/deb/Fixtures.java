/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.deb;

import dev.jimg.testdata.Exec;
import dev.jimg.testdata.Validators;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** The committed .deb fixtures (see fixtures/make-fixtures.sh) and the dpkg host tools. */
final class Fixtures {
  static final String TINY_GZ = "jimg-tiny_1.0-1_all.gzip.deb";
  static final String TINY_XZ = "jimg-tiny_1.0-1_all.xz.deb";
  static final String TINY_ZSTD = "jimg-tiny_1.0-1_all.zstd.deb";
  static final String TINY_NONE = "jimg-tiny_1.0-1_all.none.deb";
  static final String SCRIPTS = "jimg-scripts_0.5~rc1_amd64.deb";
  static final String CLASH = "jimg-clash_1.0_all.deb";
  static final String REPLACER = "jimg-replacer_1.0_all.deb";
  static final String USRMERGE = "jimg-usrmerge_1.0_all.deb";
  static final String HELLO = "hello_2.10-3_amd64.deb";
  static final String BASE_FILES = "base-files_12.4+deb12u15_amd64.deb";

  private Fixtures() {}

  static Path path(String name) {
    URL url = Fixtures.class.getResource("fixtures/" + name);
    if (url == null) {
      throw new IllegalStateException("missing fixture " + name);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static DebPackage open(String name) throws java.io.IOException {
    return DebPackage.open(path(name));
  }

  /** A dpkg program, or skip (fail when validators are required). */
  static void requireDpkg(String command) {
    boolean found = false;
    for (String dir : new String[] {"/usr/bin", "/bin", "/usr/sbin", "/sbin"}) {
      if (Files.isExecutable(Path.of(dir, command))) {
        found = true;
      }
    }
    if (!found) {
      if (Validators.strict()) {
        throw new AssertionError(command + " is required (apt-get install dpkg)");
      }
      Assumptions.assumeTrue(false, command + " not installed");
    }
  }

  static Exec.Result run(String... command) {
    return Exec.run(command).requireOk();
  }
}
