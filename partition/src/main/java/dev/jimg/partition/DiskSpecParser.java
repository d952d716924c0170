/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.partition;

import static dev.jimg.partition.SpecNodes.bool;
import static dev.jimg.partition.SpecNodes.integer;
import static dev.jimg.partition.SpecNodes.list;
import static dev.jimg.partition.SpecNodes.map;
import static dev.jimg.partition.SpecNodes.optionalSize;
import static dev.jimg.partition.SpecNodes.scalar;
import static dev.jimg.partition.SpecNodes.size;
import static dev.jimg.partition.SpecNodes.string;

import dev.jimg.core.InvalidOptionException;
import dev.jimg.core.source.Sources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Reads a disk spec from YAML (the schema is documented in {@code docs/disk-spec.md}).
 *
 * <p>Loading is safe: the YAML 1.2 JSON schema (plain scalars are text unless they are JSON
 * numbers, {@code true}/{@code false} or {@code null}, so {@code type: 0x0c} stays the text {@code
 * 0x0c}), no tags that build objects, duplicate keys refused, aliases limited. Unknown keys and
 * values of the wrong type are errors that name the key path ({@code partitions[1].size: "12Q" is
 * not a size; …}). Relative paths in the spec are taken relative to the spec file's directory.
 *
 * <p>Stateless and thread-safe.
 */
public final class DiskSpecParser {
  private static final Set<String> TOP_KEYS =
      Set.of(
          "table",
          "sector-size",
          "size",
          "seed",
          "alignment",
          "boot-code",
          "partitions",
          "blobs",
          "gpt-location");
  private static final Set<String> PARTITION_KEYS =
      Set.of(
          "name",
          "type",
          "size",
          "min-size",
          "max-size",
          "offset",
          "grow",
          "filesystem",
          "sources",
          "options",
          "label",
          "uuid",
          "attributes",
          "bootable",
          "hybrid",
          "content");
  private static final Set<String> BLOB_KEYS = Set.of("file", "offset", "allow-overlap");
  private static final Pattern UUID_TEXT =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private DiskSpecParser() {}

  /**
   * Reads the spec file {@code file}.
   *
   * @throws InvalidOptionException if it is not valid YAML or not a valid spec (naming the key
   *     path)
   */
  public static DiskSpec parse(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new InvalidOptionException(file + ": no such spec file");
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    Path base = file.toAbsolutePath().getParent();
    return parse(text, base, file.toString());
  }

  /**
   * Reads a spec from {@code text}; relative paths resolve against {@code baseDir}.
   *
   * @param name what the text is, for messages
   */
  public static DiskSpec parse(String text, Path baseDir, String name)
      throws InvalidOptionException {
    Object root = SpecNodes.load(text, name);
    return new DiskSpecParser.Reader(baseDir).spec(root, Set.of());
  }

  /** The keys a disk spec has at its top level. */
  public static Set<String> topLevelKeys() {
    return TOP_KEYS;
  }

  /**
   * Reads the disk part of a loaded spec whose top level may also hold {@code otherKeys}, which are
   * left to the caller (a {@code jimg build} spec is a disk spec plus {@code root} and {@code
   * boot}).
   */
  public static DiskSpec parse(Object root, Path baseDir, Set<String> otherKeys)
      throws InvalidOptionException {
    return new DiskSpecParser.Reader(baseDir).spec(root, otherKeys);
  }

  private static final class Reader {
    private final Path base;

    Reader(Path base) {
      this.base = base;
    }

    DiskSpec spec(Object root, Set<String> otherKeys) throws InvalidOptionException {
      Set<String> known = new TreeSet<>(TOP_KEYS);
      known.addAll(otherKeys);
      Map<String, Object> m = new TreeMap<>(map(root, "spec", known));
      m.keySet().removeAll(otherKeys);
      TableType table = TableType.GPT;
      if (m.containsKey("table")) {
        String t = string(m.get("table"), "table");
        switch (t.toLowerCase(Locale.ROOT)) {
          case "gpt" -> table = TableType.GPT;
          case "mbr", "dos" -> table = TableType.MBR;
          case "hybrid" -> table = TableType.HYBRID;
          default ->
              throw new InvalidOptionException(
                  "table: \"" + t + "\" is not a table type; use gpt, mbr or hybrid");
        }
      }
      int sectorSize = 512;
      if (m.containsKey("sector-size")) {
        long s = integer(m.get("sector-size"), "sector-size");
        if (s != 512 && s != 4096) {
          throw new InvalidOptionException("sector-size: " + s + " is not 512 or 4096");
        }
        sectorSize = (int) s;
      }
      OptionalLong size = optionalSize(m, "size", "size");
      Optional<String> seed =
          m.containsKey("seed") ? Optional.of(scalar(m.get("seed"), "seed")) : Optional.empty();
      long alignment = optionalSize(m, "alignment", "alignment").orElse(DiskSpec.DEFAULT_ALIGNMENT);
      if (alignment <= 0 || alignment % sectorSize != 0) {
        throw new InvalidOptionException(
            "alignment: "
                + alignment
                + " is not a positive multiple of the sector size "
                + sectorSize);
      }
      Optional<Path> bootCode =
          m.containsKey("boot-code")
              ? Optional.of(path(m.get("boot-code"), "boot-code"))
              : Optional.empty();
      if (bootCode.isPresent() && table == TableType.GPT) {
        throw new InvalidOptionException(
            "boot-code: a GPT's protective MBR has no boot code here; use table: mbr or hybrid");
      }
      List<PartitionSpec> partitions = new ArrayList<>();
      if (m.containsKey("partitions")) {
        List<Object> list = list(m.get("partitions"), "partitions");
        for (int i = 0; i < list.size(); i++) {
          partitions.add(partition(list.get(i), "partitions[" + i + "]"));
        }
      }
      List<BlobSpec> blobs = new ArrayList<>();
      if (m.containsKey("blobs")) {
        List<Object> list = list(m.get("blobs"), "blobs");
        for (int i = 0; i < list.size(); i++) {
          blobs.add(blob(list.get(i), "blobs[" + i + "]"));
        }
      }
      OptionalLong gptLocation = optionalSize(m, "gpt-location", "gpt-location");
      if (gptLocation.isPresent()) {
        long at = gptLocation.getAsLong();
        if (table == TableType.MBR || at < 2L * sectorSize || at % sectorSize != 0) {
          throw new InvalidOptionException(
              "gpt-location: "
                  + at
                  + " must be a multiple of the sector size ("
                  + sectorSize
                  + ") from "
                  + 2 * sectorSize
                  + " on, and the table gpt or hybrid");
        }
      }
      return new DiskSpec(
          table, sectorSize, size, seed, alignment, bootCode, partitions, blobs, gptLocation);
    }

    private PartitionSpec partition(Object node, String at) throws InvalidOptionException {
      Map<String, Object> m = map(node, at, PARTITION_KEYS);
      PartitionSpec.Builder b = PartitionSpec.builder();
      if (m.containsKey("name")) {
        String n = string(m.get("name"), at + ".name");
        if (n.length() > GptPartitionEntry.NAME_UNITS) {
          throw new InvalidOptionException(
              at
                  + ".name: \""
                  + n
                  + "\" is "
                  + n.length()
                  + " UTF-16 units; GPT names hold at most "
                  + GptPartitionEntry.NAME_UNITS);
        }
        b.name(n);
      }
      if (m.containsKey("type")) {
        b.type(PartitionType.parse(at + ".type", scalar(m.get("type"), at + ".type")));
      }
      OptionalLong v;
      if ((v = optionalSize(m, "size", at + ".size")).isPresent()) {
        b.size(v.getAsLong());
      }
      if ((v = optionalSize(m, "min-size", at + ".min-size")).isPresent()) {
        b.minSize(v.getAsLong());
      }
      if ((v = optionalSize(m, "max-size", at + ".max-size")).isPresent()) {
        b.maxSize(v.getAsLong());
      }
      if ((v = optionalSize(m, "offset", at + ".offset")).isPresent()) {
        b.offset(v.getAsLong());
      }
      if (m.containsKey("size") && (m.containsKey("min-size") || m.containsKey("max-size"))) {
        throw new InvalidOptionException(at + ": give size or min-size/max-size, not both");
      }
      if (m.containsKey("size") && m.containsKey("grow")) {
        throw new InvalidOptionException(at + ": a partition with a fixed size cannot grow");
      }
      if (m.containsKey("grow")) {
        b.grow(bool(m.get("grow"), at + ".grow"));
      }
      boolean hasFilesystem = false;
      if (m.containsKey("filesystem")) {
        String fs = string(m.get("filesystem"), at + ".filesystem");
        if (!fs.equals("none")) {
          b.filesystem(fs);
          hasFilesystem = true;
        }
      }
      if (m.containsKey("sources")) {
        if (!hasFilesystem) {
          throw new InvalidOptionException(
              at + ".sources: sources need a filesystem (fat, ext4, squashfs, …) to go into");
        }
        List<Object> list = list(m.get("sources"), at + ".sources");
        for (int i = 0; i < list.size(); i++) {
          String s = string(list.get(i), at + ".sources[" + i + "]");
          b.source(
              s.equals(Sources.STDIN)
                  ? s
                  : SpecNodes.resolve(base, s, at + ".sources[" + i + "]").toString());
        }
      }
      if (m.containsKey("options")) {
        Map<String, Object> opts = map(m.get("options"), at + ".options", null);
        if (!hasFilesystem) {
          throw new InvalidOptionException(at + ".options: options need a filesystem");
        }
        for (Map.Entry<String, Object> e : new TreeMap<>(opts).entrySet()) {
          b.option(e.getKey(), scalar(e.getValue(), at + ".options." + e.getKey()));
        }
      }
      if (m.containsKey("label")) {
        if (!hasFilesystem) {
          throw new InvalidOptionException(
              at
                  + ".label: a label is the filesystem's; give a filesystem or use name for the GPT"
                  + " partition name");
        }
        b.label(scalar(m.get("label"), at + ".label"));
      }
      if (m.containsKey("uuid")) {
        String u = string(m.get("uuid"), at + ".uuid");
        if (!UUID_TEXT.matcher(u).matches()) {
          throw new InvalidOptionException(
              at
                  + ".uuid: \""
                  + u
                  + "\" is not a UUID; use the form 01234567-89ab-cdef-0123-456789abcdef");
        }
        b.uuid(UUID.fromString(u));
      }
      if (m.containsKey("attributes")) {
        List<Object> list = list(m.get("attributes"), at + ".attributes");
        for (int i = 0; i < list.size(); i++) {
          String where = at + ".attributes[" + i + "]";
          b.attributes(GptAttribute.mask(where, scalar(list.get(i), where)));
        }
      }
      if (m.containsKey("bootable")) {
        b.bootable(bool(m.get("bootable"), at + ".bootable"));
      }
      if (m.containsKey("hybrid")) {
        b.hybrid(bool(m.get("hybrid"), at + ".hybrid"));
      }
      if (m.containsKey("content")) {
        if (hasFilesystem) {
          throw new InvalidOptionException(
              at + ".content: a content file replaces the filesystem; use filesystem: none");
        }
        b.content(path(m.get("content"), at + ".content"));
      }
      return b.build();
    }

    private BlobSpec blob(Object node, String at) throws InvalidOptionException {
      Map<String, Object> m = map(node, at, BLOB_KEYS);
      if (!m.containsKey("file") || !m.containsKey("offset")) {
        throw new InvalidOptionException(at + ": a blob needs file and offset");
      }
      boolean allow =
          m.containsKey("allow-overlap") && bool(m.get("allow-overlap"), at + ".allow-overlap");
      return new BlobSpec(
          path(m.get("file"), at + ".file"), size(m.get("offset"), at + ".offset"), allow);
    }

    private Path path(Object node, String at) throws InvalidOptionException {
      return SpecNodes.resolve(base, string(node, at), at);
    }
  }
}
