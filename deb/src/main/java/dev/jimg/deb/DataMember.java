/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.deb;

import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import java.util.Objects;

/**
 * One header of a package's {@code data.tar}, in archive order: what {@code dpkg-deb -c} lists and
 * what dpkg records in {@code info/PKG.list}.
 *
 * @param rawName the name as stored (e.g. {@code ./usr/bin/}), one char per byte (ISO-8859-1)
 * @param path the name as a tree path ({@link ImagePath#ROOT} for {@code ./})
 * @param type the entry type
 * @param mode permission bits (07777)
 * @param userName owner name as stored, may be empty
 * @param groupName group name as stored, may be empty
 * @param linkName symlink target or hard-link target as stored (ISO-8859-1), else empty
 */
public record DataMember(
    String rawName,
    ImagePath path,
    EntryType type,
    int mode,
    long uid,
    long gid,
    String userName,
    String groupName,
    long size,
    Timestamp mtime,
    String linkName,
    long devMajor,
    long devMinor) {
  public DataMember {
    Objects.requireNonNull(rawName, "rawName");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(mtime, "mtime");
  }
}
