/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.source;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jimg.core.CorruptInputException;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Xattr;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;

/**
 * POSIX ACLs stored as text by 'tar --acls' and 'bsdtar --acls' (SCHILY.acl.access/default) were
 * left out of the tree without a word. The expected values are what the kernel stored for 'setfacl
 * -m u:1234:rwx,g:55:r f' and 'setfacl -d -m g:55:rx d' (getfattr -e hex).
 */
class TarAclsTest {
  private static final String FILE_ACL =
      "0200000001000600ffffffff02000700d204000004000400ffffffff080004003700000010000700ffffffff"
          + "20000400ffffffff";
  private static final String DIR_DEFAULT_ACL =
      "0200000001000700ffffffff04000500ffffffff080005003700000010000500ffffffff20000500ffffffff";

  @Test
  void open_gnuTarAcls_becomeKernelXattrs() throws IOException {
    // GNU tar 1.34 --acls: one entry a line, the mask in the mode's group bits
    Map<String, Entry> t =
        read(
            0100674,
            "user::rw-\nuser:1234:rwx\ngroup::r--\ngroup:55:r--\nmask::rwx\nother::r--\n",
            "user::rwx\ngroup::r-x\nother::r-x\n",
            "user::rwx\ngroup::r-x\ngroup:55:r-x\nmask::r-x\nother::r-x\n");
    assertThat(t.get("f").mode()).isEqualTo(0674);
    assertThat(xattrs(t.get("f"))).containsExactly(Map.entry("system.posix_acl_access", FILE_ACL));
    // a minimal access ACL says no more than the mode: the kernel keeps no xattr for it
    assertThat(xattrs(t.get("d")))
        .containsExactly(Map.entry("system.posix_acl_default", DIR_DEFAULT_ACL));
  }

  @Test
  void open_bsdtarAcls_becomeKernelXattrsAndMaskTheGroupBits() throws IOException {
    // bsdtar 3.6 --acls: comma-separated, the owning group's bits in the mode
    Map<String, Entry> t =
        read(
            0100644,
            "user::rw-,group::r--,other::r--,user:1234:rwx,group:55:r--,mask::rwx",
            null,
            "user::rwx,group::r-x,group:55:r-x,mask::r-x,other::r-x");
    assertThat(t.get("f").mode()).isEqualTo(0674);
    assertThat(xattrs(t.get("f"))).containsExactly(Map.entry("system.posix_acl_access", FILE_ACL));
    assertThat(xattrs(t.get("d")))
        .containsExactly(Map.entry("system.posix_acl_default", DIR_DEFAULT_ACL));
  }

  @Test
  void open_bsdtarNamedAclEntry_usesTheNumericIdField() throws IOException {
    Map<String, Entry> t =
        read(
            0100644,
            "user::rw-,group::r--,other::r--,user:alice:rwx:1234,group:staff:r--:55,mask::rwx",
            null,
            null);
    assertThat(xattrs(t.get("f"))).containsExactly(Map.entry("system.posix_acl_access", FILE_ACL));
  }

  @Test
  void open_aclEntryByNameNotInTheArchive_corruptNamingTheEntryAndName() {
    assertThatThrownBy(() -> read(0100644, "user::rw-\nuser:alice:rwx\nmask::rwx\n", null, null))
        .isInstanceOf(CorruptInputException.class)
        .hasMessageContaining("entry 'f': SCHILY.acl.access: ACL entry 'user:alice:rwx'")
        .hasMessageContaining("names user 'alice', which the archive's own etc/passwd");
  }

  /**
   * GNU tar --acls writes names ('group:adm:r-x'), even with --numeric-owner: their ids come from
   * the archive's own etc/passwd and etc/group, here later in the archive than the file.
   */
  @Test
  void open_gnuTarNamedAclEntries_idsFromTheArchivesOwnDatabases() throws IOException {
    TarArchiveEntry f = TarTestSupport.file("var/f");
    f.setMode(0100674);
    f.addPaxHeader(
        "SCHILY.acl.access",
        "user::rw-\nuser:someone:rwx\ngroup::r--\ngroup:staff:r--\nmask::rwx\nother::r--\n");
    TarArchiveEntry passwd = TarTestSupport.file("etc/passwd");
    TarArchiveEntry group = TarTestSupport.file("etc/group");
    byte[] tar =
        TarTestSupport.tar(
            List.of(f, passwd, group),
            List.of(
                new byte[] {'x'},
                "root:x:0:0::/root:/bin/sh\nsomeone:x:1234:1234::/:/bin/false\n".getBytes(UTF_8),
                "root:x:0:\nstaff:x:55:\n".getBytes(UTF_8)));
    try (TarSource s =
        TarSource.read(new ByteArrayInputStream(tar), "acl.tar", SourceOptions.defaults())) {
      Entry e = s.tree().get(ImagePath.of("var/f"));
      assertThat(xattrs(e)).containsExactly(Map.entry("system.posix_acl_access", FILE_ACL));
      assertThat(e.mode()).isEqualTo(0674);
    }
  }

  /** A tar of a file f and a directory d with the given ACL texts (null: none). */
  private static Map<String, Entry> read(
      int fileMode, String fileAccess, String dirAccess, String dirDefault) throws IOException {
    TarArchiveEntry f = TarTestSupport.file("f");
    f.setMode(fileMode);
    f.addPaxHeader("SCHILY.acl.access", fileAccess);
    TarArchiveEntry d = new TarArchiveEntry("d/", TarConstants.LF_DIR, true);
    d.setMode(040755);
    if (dirAccess != null) {
      d.addPaxHeader("SCHILY.acl.access", dirAccess);
    }
    if (dirDefault != null) {
      d.addPaxHeader("SCHILY.acl.default", dirDefault);
    }
    byte[] tar = TarTestSupport.tar(List.of(f, d), List.of(new byte[] {'x'}, new byte[0]));
    try (TarSource s =
        TarSource.read(new ByteArrayInputStream(tar), "acl.tar", SourceOptions.defaults())) {
      FileTree tree = s.tree();
      Map<String, Entry> out = new TreeMap<>();
      out.put("f", tree.get(ImagePath.of("f")));
      out.put("d", tree.get(ImagePath.of("d")));
      return out;
    }
  }

  private static Map<String, String> xattrs(Entry e) {
    Map<String, String> out = new TreeMap<>();
    for (Xattr x : e.xattrs()) {
      out.put(x.name(), HexFormat.of().formatHex(x.value()));
    }
    return out;
  }
}
