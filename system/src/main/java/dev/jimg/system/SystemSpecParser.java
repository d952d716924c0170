/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.system;

import static dev.jimg.partition.SpecNodes.bool;
import static dev.jimg.partition.SpecNodes.list;
import static dev.jimg.partition.SpecNodes.map;
import static dev.jimg.partition.SpecNodes.optionalSize;
import static dev.jimg.partition.SpecNodes.scalar;
import static dev.jimg.partition.SpecNodes.size;
import static dev.jimg.partition.SpecNodes.string;

import dev.jimg.core.InvalidOptionException;
import dev.jimg.core.source.Sources;
import dev.jimg.partition.DiskSpec;
import dev.jimg.partition.DiskSpecParser;
import dev.jimg.partition.SpecNodes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads a {@code jimg build} spec: a disk spec ({@link DiskSpecParser}) whose top level may also
 * hold {@code root}, {@code boot} and {@code hostname}. Unknown keys and wrong types are errors
 * naming the key path; relative paths are relative to the spec file's directory.
 *
 * <p>Stateless and thread-safe.
 */
public final class SystemSpecParser {
  /** The value of {@code boot.loader} that takes systemd-boot from the root tree. */
  public static final String SYSTEMD_BOOT = "systemd-boot";

  /** The value of {@code boot.kernel} and {@code boot.initrd} that finds them in the root tree. */
  public static final String AUTO = "auto";

  /** The value of {@code boot.initrd} for a kernel booted without one. */
  public static final String NONE = "none";

  /** The prefix of a {@code boot.kernel}/{@code boot.initrd} path inside the root tree. */
  public static final String ROOT_PREFIX = "root:";

  private static final Set<String> OWN_KEYS = Set.of("root", "boot", "hostname");
  private static final Set<String> ROOT_KEYS =
      Set.of("sources", "filesystem", "options", "size", "min-size", "grow");
  private static final Set<String> BOOT_KEYS =
      Set.of("loader", "kernel", "initrd", "cmdline", "esp-size");
  private static final Set<String> ROOT_FILESYSTEMS = Set.of("ext4", "ext3", "ext2", "squashfs");
  private static final Pattern HOSTNAME =
      Pattern.compile(
          "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
  private static final int MAX_HOSTNAME = 64;
  private static final long MIN_ESP_SIZE = 1L << 20;

  private SystemSpecParser() {}

  /** Reads the spec file {@code file}. */
  public static SystemSpec parse(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new InvalidOptionException(file + ": no such spec file");
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    return parse(text, file.toAbsolutePath().getParent(), file.toString());
  }

  /**
   * Reads a spec from {@code text}; relative paths resolve against {@code baseDir}.
   *
   * @param name what the text is, for messages
   */
  public static SystemSpec parse(String text, Path baseDir, String name)
      throws InvalidOptionException {
    Object node = SpecNodes.load(text, name);
    DiskSpec disk = DiskSpecParser.parse(node, baseDir, OWN_KEYS);
    Map<String, Object> top = map(node, "spec", null);
    Optional<SystemSpec.Root> root =
        top.containsKey("root") ? Optional.of(root(top.get("root"), baseDir)) : Optional.empty();
    Optional<SystemSpec.Boot> boot =
        top.containsKey("boot") ? Optional.of(boot(top.get("boot"), baseDir)) : Optional.empty();
    if (boot.isPresent() && root.isEmpty()) {
      throw new InvalidOptionException(
          "boot: a bootable disk needs a root (root.sources, root.filesystem); add root, or remove"
              + " boot and use jimg disk");
    }
    Optional<String> hostname = Optional.empty();
    if (top.containsKey("hostname")) {
      String h = scalar(top.get("hostname"), "hostname");
      if (h.length() > MAX_HOSTNAME || !HOSTNAME.matcher(h).matches()) {
        throw new InvalidOptionException(
            "hostname: \""
                + h
                + "\" is not a host name; use letters, digits and inner hyphens, dot-separated,"
                + " at most 64 characters");
      }
      if (root.isEmpty()) {
        throw new InvalidOptionException("hostname: is written into the root tree; add root");
      }
      hostname = Optional.of(h);
    }
    return new SystemSpec(disk, root, boot, hostname, digest(text));
  }

  private static SystemSpec.Root root(Object node, Path base) throws InvalidOptionException {
    Map<String, Object> m = map(node, "root", ROOT_KEYS);
    if (!m.containsKey("sources")) {
      throw new InvalidOptionException(
          "root.sources: missing; list the root tree's sources (a rootfs tar, directories, .deb"
              + " files)");
    }
    List<String> sources = new ArrayList<>();
    List<Object> list = list(m.get("sources"), "root.sources");
    for (int i = 0; i < list.size(); i++) {
      String s = string(list.get(i), "root.sources[" + i + "]");
      sources.add(
          s.equals(Sources.STDIN)
              ? s
              : SpecNodes.resolve(base, s, "root.sources[" + i + "]").toString());
    }
    if (sources.isEmpty()) {
      throw new InvalidOptionException("root.sources: the list is empty; give the root tree");
    }
    String fs =
        m.containsKey("filesystem") ? string(m.get("filesystem"), "root.filesystem") : "ext4";
    if (!ROOT_FILESYSTEMS.contains(fs)) {
      throw new InvalidOptionException(
          "root.filesystem: the kernel cannot boot a Linux root from "
              + fs
              + " (it keeps no owners, modes or symlinks, or is not a filesystem); use ext4 or"
              + " squashfs (read-only)");
    }
    Map<String, String> options = new TreeMap<>();
    if (m.containsKey("options")) {
      for (Map.Entry<String, Object> e : map(m.get("options"), "root.options", null).entrySet()) {
        options.put(e.getKey(), scalar(e.getValue(), "root.options." + e.getKey()));
      }
    }
    OptionalLong size = optionalSize(m, "size", "root.size");
    OptionalLong minSize = optionalSize(m, "min-size", "root.min-size");
    boolean grow = m.containsKey("grow") && bool(m.get("grow"), "root.grow");
    if (size.isPresent() && (minSize.isPresent() || grow)) {
      throw new InvalidOptionException("root: give size, or min-size and grow, not both");
    }
    return new SystemSpec.Root(sources, fs, options, size, minSize, grow);
  }

  private static SystemSpec.Boot boot(Object node, Path base) throws InvalidOptionException {
    Map<String, Object> m = map(node, "boot", BOOT_KEYS);
    String loader = m.containsKey("loader") ? string(m.get("loader"), "boot.loader") : SYSTEMD_BOOT;
    if (!loader.equals(SYSTEMD_BOOT)) {
      loader = SpecNodes.resolve(base, loader, "boot.loader").toString();
    }
    String kernel = file(m, "kernel", base, false);
    String initrd = file(m, "initrd", base, true);
    String cmdline = m.containsKey("cmdline") ? scalar(m.get("cmdline"), "boot.cmdline") : "";
    for (String word : cmdline.trim().split("\\s+")) {
      if (word.startsWith("root=")) {
        throw new InvalidOptionException(
            "boot.cmdline: jimg adds root=PARTUUID=… itself; remove \"" + word + "\"");
      }
    }
    long espSize =
        m.containsKey("esp-size")
            ? size(m.get("esp-size"), "boot.esp-size")
            : SystemSpec.DEFAULT_ESP_SIZE;
    if (espSize < MIN_ESP_SIZE) {
      throw new InvalidOptionException(
          "boot.esp-size: "
              + espSize
              + " bytes is too small for an EFI system partition; use 64M or more");
    }
    return new SystemSpec.Boot(loader, kernel, initrd, cmdline.trim(), espSize);
  }

  private static String file(Map<String, Object> m, String key, Path base, boolean noneAllowed)
      throws InvalidOptionException {
    if (!m.containsKey(key)) {
      return AUTO;
    }
    String v = string(m.get(key), "boot." + key);
    if (v.equals(AUTO) || v.startsWith(ROOT_PREFIX) || (noneAllowed && v.equals(NONE))) {
      return v;
    }
    return SpecNodes.resolve(base, v, "boot." + key).toString();
  }

  private static String digest(String text) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }
}
