/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.source;

import dev.jimg.core.JimgException;
import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Damaged manifests: lines of every kind, with characters inserted, removed and replaced from a set
 * that the syntax gives meaning to. Parsing and applying each to a small tree ends with a tree or a
 * {@link JimgException} (a {@link ManifestException} naming line and column, or a conflict naming
 * the path), never with another exception.
 */
class ManifestFuzzProperties {
  private static final List<String> LINES =
      List.of(
          "# devices for an initramfs",
          "/dev             d  0755 0 0",
          "/dev/console     c  0600 0 5  5 1",
          "/dev/sda         b  0660 0 6  8 0",
          "/dev/initctl     p  0600 0 0",
          "/run/log         s  -    0 0",
          "/tmp  d 1777 - -",
          "/etc  d -    0 -",
          "/etc/machine-id  f 0444 0 0",
          "/etc/passwd      f 0600 - -",
          "/bin           l - - - /usr/bin",
          "/sbin          l - 0 0 usr/bin",
          "/odd\\x20name  l 777 0 0 a\\x20b\\=c",
          "/etc/passwd  m - - - mtime=1700000000.5 atime=2024-01-31T12:00:00.000000001Z ctime=-1.25",
          "/usr/bin/ping m - - - security.capability=0x0100000200200000 user.note=base64:aGk=",
          "/usr/bin/ping m - - - user.note=- user.empty=0x",
          "/usr/bin/ping4 h /usr/bin/ping",
          "/usr/** m - 0 0",
          "/usr/*/p?ng m 4755 - -",
          "/**/x m 0600 - -",
          "/usr/share r",
          "/usr/bin/p* r",
          "/opt d 0700 1 1",
          "/opt/** m - 2 -",
          "/a d - - - # trailing");

  /** Characters the syntax reads specially, and some it should refuse. */
  private static final String ODD = "/ \t\\-=:*?[]{}#.0179xX+ ,\"'\u0000\u00e9\r\ndcbpsflhmr";

  @Property(tries = 1000)
  void parseAndApply_damagedManifest_treeOrTypedError(@ForAll long seed) throws Exception {
    SplittableRandom random = new SplittableRandom(seed);
    StringBuilder text = new StringBuilder();
    int lines = 1 + random.nextInt(6);
    for (int i = 0; i < lines; i++) {
      text.append(LINES.get(random.nextInt(LINES.size()))).append('\n');
    }
    int edits = 1 + random.nextInt(4);
    for (int i = 0; i < edits; i++) {
      int at = random.nextInt(text.length() + 1);
      char c = ODD.charAt(random.nextInt(ODD.length()));
      switch (random.nextInt(3)) {
        case 0 -> text.insert(at, c);
        case 1 -> text.deleteCharAt(Math.min(at, text.length() - 1));
        default -> text.setCharAt(Math.min(at, text.length() - 1), c);
      }
    }
    try {
      Manifest.parse(text.toString(), "fuzz.manifest").applyTo(base());
    } catch (JimgException typed) {
      if (typed.getMessage() == null || typed.getMessage().isBlank()) {
        throw new AssertionError("typed error without a message for " + text, typed);
      }
    } catch (RuntimeException e) {
      throw new AssertionError("untyped " + e + " for:\n" + text, e);
    }
  }

  /** /usr/bin/{ls,ping}, /usr/share, /etc/passwd, /bin -> usr/bin. */
  private static FileTree base() throws JimgException {
    Timestamp t = Timestamp.ofSeconds(1_700_000_000);
    FileTreeBuilder b = new FileTreeBuilder();
    for (String d : new String[] {"usr", "usr/bin", "usr/share", "etc"}) {
      b.put(ImagePath.of(d), Entry.directory(0755, t));
    }
    for (String f : new String[] {"usr/bin/ls", "usr/bin/ping", "etc/passwd"}) {
      b.put(
          ImagePath.of(f),
          Entry.file(0644, t, Content.ofBytes(f.getBytes(StandardCharsets.UTF_8))));
    }
    b.put(ImagePath.of("bin"), Entry.symlink("usr/bin", t));
    return b.build();
  }
}
