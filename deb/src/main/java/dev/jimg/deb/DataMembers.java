/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.deb;

import dev.jimg.core.CorruptInputException;
import dev.jimg.core.JimgException;
import dev.jimg.core.UnsafePathException;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Reads the headers of a (decompressed) data archive in archive order. Stateless. */
final class DataMembers {
  private static final int SKIP_BUFFER = 1 << 16;

  private DataMembers() {}

  /**
   * Every header of the tar on {@code in}, skipping contents.
   *
   * @param where the package file and member, for messages
   * @param memberOffset the member's offset in the .deb, for messages
   */
  static List<DataMember> read(InputStream in, String where, long memberOffset) throws IOException {
    List<DataMember> out = new ArrayList<>();
    TarArchiveInputStream tar =
        new TarArchiveInputStream(
            in,
            TarConstants.DEFAULT_BLKSIZE,
            TarConstants.DEFAULT_RCDSIZE,
            StandardCharsets.ISO_8859_1.name(),
            false);
    String last = null;
    byte[] skipBuffer = new byte[SKIP_BUFFER];
    boolean started = false;
    while (true) {
      TarArchiveEntry e;
      try {
        // read past the previous contents here, with one buffer: commons-compress would skip them
        // through a new small array per entry
        while (started && tar.read(skipBuffer) > 0) {
          // contents are not needed
        }
        e = tar.getNextEntry();
        started = true;
      } catch (JimgException x) {
        throw x;
      } catch (IOException | RuntimeException x) {
        throw new CorruptInputException(
            where,
            memberOffset,
            (last == null ? "not a readable tar" : "cannot read the entry after '" + last + "'")
                + ": "
                + x.getMessage(),
            x);
      }
      if (e == null) {
        break;
      }
      if (!e.isCheckSumOK()) {
        throw new CorruptInputException(
            where, memberOffset, "entry '" + e.getName() + "': header checksum does not match");
      }
      String rawName = e.getName();
      byte[] raw = rawName.getBytes(StandardCharsets.ISO_8859_1);
      String problem = ImagePath.problem(raw);
      if (problem != null) {
        throw new UnsafePathException(
            where, memberOffset, "entry '" + ImagePath.display(raw) + "': " + problem);
      }
      if (e.isGlobalPaxHeader()) {
        continue;
      }
      out.add(
          new DataMember(
              rawName,
              ImagePath.parse(raw),
              typeOf(e),
              e.getMode() & 07777,
              e.getLongUserId(),
              e.getLongGroupId(),
              e.getUserName(),
              e.getGroupName(),
              e.isFile() && !e.isLink() ? e.getSize() : 0,
              Timestamp.of(e.getLastModifiedTime().toInstant()),
              e.isSymbolicLink() || e.isLink() ? e.getLinkName() : "",
              e.getDevMajor(),
              e.getDevMinor()));
      last = ImagePath.display(raw);
    }
    return out;
  }

  private static EntryType typeOf(TarArchiveEntry e) {
    if (e.isDirectory()) {
      return EntryType.DIRECTORY;
    }
    if (e.isSymbolicLink()) {
      return EntryType.SYMLINK;
    }
    if (e.isLink()) {
      return EntryType.HARDLINK;
    }
    if (e.isCharacterDevice()) {
      return EntryType.CHAR_DEVICE;
    }
    if (e.isBlockDevice()) {
      return EntryType.BLOCK_DEVICE;
    }
    if (e.isFIFO()) {
      return EntryType.FIFO;
    }
    return EntryType.REGULAR;
  }
}
