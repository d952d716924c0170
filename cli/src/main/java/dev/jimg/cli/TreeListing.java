/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Xattr;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a {@link FileTree} for {@code jimg ls}, one entry a line in path order (the root first),
 * as text for people or as JSON Lines for programs.
 *
 * <p>Text: {@code TYPE MODE UID:GID SIZE MTIME PATH [-> TARGET | link to PATH | MAJOR,MINOR]},
 * where TYPE is the {@code ls -l} letter ({@code h} for a hard link, shown with the metadata of the
 * entry it names), MODE four octal digits with setuid/setgid/sticky, MTIME ISO-8601 UTC ({@link
 * Times}), and paths and targets are shown as {@link ImagePath#display(byte[])} renders them (bytes
 * that are not UTF-8 as {@code \xNN}). With xattrs, each attribute follows its entry on a line of
 * its own: {@code " xattr NAME=VALUE"}, VALUE quoted text when the bytes are printable ASCII (a
 * trailing NUL allowed, shown as {@code \x00}), else {@code 0x} and hex.
 *
 * <p>JSON Lines: one object per entry with the fields {@code path, type, mode, uid, gid, size,
 * mtime, mtime_seconds, mtime_nanos}, then per type {@code target} (symlink), {@code link} (hard
 * link) or {@code major, minor} (devices), and with xattrs an {@code xattrs} array of {@code {name,
 * value_hex}} (plus {@code value} when the bytes are UTF-8 text). When a path or target is not
 * valid UTF-8, {@code path_hex}/{@code target_hex} carry the exact bytes.
 *
 * <p>Immutable and thread-safe.
 */
final class TreeListing {
  /** How entries are written. */
  enum Format {
    TEXT,
    JSON
  }

  private final Format format;
  private final boolean xattrs;

  TreeListing(Format format, boolean xattrs) {
    this.format = format;
    this.xattrs = xattrs;
  }

  /** Writes every entry of {@code tree}, each line ending in {@code \n}. */
  void write(FileTree tree, Appendable out) throws IOException {
    StringBuilder line = new StringBuilder(128);
    for (Map.Entry<ImagePath, Entry> e : tree) {
      line.setLength(0);
      if (format == Format.JSON) {
        json(tree, e.getKey(), e.getValue(), line);
      } else {
        text(tree, e.getKey(), e.getValue(), line);
      }
      out.append(line);
    }
  }

  /** The text line (and xattr lines) of one entry. */
  void text(FileTree tree, ImagePath path, Entry entry, StringBuilder sb) {
    Entry meta = metadata(tree, entry);
    sb.append(entry.type().lsChar())
        .append(' ')
        .append(octalMode(meta.mode()))
        .append(' ')
        .append(meta.uid())
        .append(':')
        .append(meta.gid())
        .append(' ')
        .append(meta.size())
        .append(' ')
        .append(Times.iso8601(meta.mtime()))
        .append(' ')
        .append(path);
    switch (entry.type()) {
      case SYMLINK -> sb.append(" -> ").append(ImagePath.display(entry.symlinkTarget()));
      case HARDLINK -> sb.append(" link to ").append(entry.hardlinkTarget());
      case CHAR_DEVICE, BLOCK_DEVICE ->
          sb.append(' ').append(entry.devMajor()).append(',').append(entry.devMinor());
      default -> {}
    }
    sb.append('\n');
    if (xattrs) {
      for (Xattr x : meta.xattrs()) {
        sb.append("  xattr ")
            .append(ImagePath.display(x.name().getBytes(StandardCharsets.UTF_8)))
            .append('=')
            .append(xattrText(x.value()))
            .append('\n');
      }
    }
  }

  /** The JSON line of one entry. */
  void json(FileTree tree, ImagePath path, Entry entry, StringBuilder sb) {
    Entry meta = metadata(tree, entry);
    Json j = new Json(sb).beginObject();
    bytesField(j, "path", path.toString(), path.bytes());
    j.field("type", entry.type().name().toLowerCase(Locale.ROOT))
        .field("mode", octalMode(meta.mode()))
        .field("uid", meta.uid())
        .field("gid", meta.gid())
        .field("size", meta.size())
        .field("mtime", Times.iso8601(meta.mtime()))
        .field("mtime_seconds", meta.mtime().seconds())
        .field("mtime_nanos", meta.mtime().nanos());
    switch (entry.type()) {
      case SYMLINK -> {
        byte[] target = entry.symlinkTarget();
        bytesField(j, "target", ImagePath.display(target), target);
      }
      case HARDLINK -> j.field("link", entry.hardlinkTarget().toString());
      case CHAR_DEVICE, BLOCK_DEVICE ->
          j.field("major", entry.devMajor()).field("minor", entry.devMinor());
      default -> {}
    }
    if (xattrs) {
      j.beginArray("xattrs");
      for (Xattr x : meta.xattrs()) {
        byte[] value = x.value();
        j.beginObject().field("name", x.name()).field("value_hex", Json.hex(value));
        String text = new String(value, StandardCharsets.UTF_8);
        if (Arrays.equals(text.getBytes(StandardCharsets.UTF_8), value)) {
          j.field("value", text);
        }
        j.endObject();
      }
      j.endArray();
    }
    j.endObject();
    sb.append('\n');
  }

  /** A hard link shows the metadata of the entry it names. */
  private static Entry metadata(FileTree tree, Entry entry) {
    if (entry.type() == EntryType.HARDLINK) {
      Entry target = tree.get(entry.hardlinkTarget());
      if (target != null) {
        return target;
      }
    }
    return entry;
  }

  /** Four octal digits: setuid/setgid/sticky, then owner, group, other. */
  static String octalMode(int mode) {
    String digits = Integer.toOctalString(mode & Entry.MODE_MASK);
    return "0000".substring(digits.length()) + digits;
  }

  /** {@code display}, plus the exact bytes in hex when {@code display} does not round-trip. */
  private static void bytesField(Json j, String name, String display, byte[] raw) {
    j.field(name, display);
    boolean root = raw.length == 0 && name.equals("path");
    if (!root && !Arrays.equals(display.getBytes(StandardCharsets.UTF_8), raw)) {
      j.field(name + "_hex", Json.hex(raw));
    }
  }

  /** Quoted text for printable ASCII (an optional trailing NUL shown as \x00), else 0x-hex. */
  static String xattrText(byte[] value) {
    int end = value.length;
    boolean trailingNul = end > 0 && value[end - 1] == 0;
    if (trailingNul) {
      end--;
    }
    for (int i = 0; i < end; i++) {
      if (value[i] < 0x20 || value[i] > 0x7E) {
        return "0x" + Json.hex(value);
      }
    }
    StringBuilder sb = new StringBuilder(value.length + 8).append('"');
    for (int i = 0; i < end; i++) {
      char c = (char) value[i];
      if (c == '"' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
    if (trailingNul) {
      sb.append("\\x00");
    }
    return sb.append('"').toString();
  }
}
