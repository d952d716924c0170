/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import static dev.jimg.cli.Specs.flag;
import static dev.jimg.cli.Specs.lines;
import static dev.jimg.cli.Specs.positionals;

import dev.jimg.core.Sizes;
import dev.jimg.core.source.Source;
import dev.jimg.deb.LayeredSources;
import dev.jimg.partition.DiskSource;
import dev.jimg.partition.PartitionTableReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/** {@code jimg ls}: lists the tree that one or more layered sources make. */
final class LsCommand implements Callable<Integer> {
  private final JimgCommand parent;
  private CommandSpec spec;

  private LsCommand(JimgCommand parent) {
    this.parent = parent;
  }

  /** The command line of {@code jimg ls}. */
  static CommandSpec spec(JimgCommand parent) {
    LsCommand c = new LsCommand(parent);
    c.spec =
        Specs.command(
                c,
                "ls",
                lines(
                    "List the entries of the tree that the sources make.",
                    "Sources are layered left to right (later ones win); entries come one a line in"
                        + " path order:",
                    "  TYPE MODE UID:GID SIZE MTIME PATH [-> TARGET | link to PATH | MAJOR,MINOR]",
                    "TYPE is the ls -l letter (h: hard link), MODE four octal digits, MTIME ISO-8601"
                        + " UTC; bytes of names that are not UTF-8 show as \\xNN."),
                lines(
                    "",
                    "Examples:",
                    "  jimg ls testdata/examples/rootfs.tar",
                    "  jimg ls --xattrs base.tar.zst overlay-dir/",
                    "  tar -cf - -C dir . | jimg ls --json - | jq -r .path"))
            .add(
                flag(
                    "JSON Lines: one object per entry (path, type, mode, uid, gid, size, mtime,"
                        + " mtime_seconds, mtime_nanos; target, link, major/minor, xattrs where they"
                        + " apply).",
                    "--json"),
                flag("Show extended attributes, one line each.", "--xattrs"))
            .add(LayeringOptions.args())
            .add(
                positionals(
                    "0..*",
                    "1..*",
                    "SOURCE",
                    "A directory, a tar file (compressed or not) or '-' (a tar on standard input)."))
            .build();
    return c.spec;
  }

  @Override
  public Integer call() throws IOException {
    ParseResult pr = spec.commandLine().getParseResult();
    boolean json = pr.matchedOptionValue("--json", false);
    boolean xattrs = pr.matchedOptionValue("--xattrs", false);
    LayeringOptions layering = LayeringOptions.of(pr);
    List<String> sources = pr.matchedPositionalValue(0, List.of());
    TreeListing listing =
        new TreeListing(json ? TreeListing.Format.JSON : TreeListing.Format.TEXT, xattrs);
    PrintWriter out = spec.commandLine().getOut();
    try (LayeredSources layered = layering.open(sources, parent.stdin())) {
      for (Source source : layered.sources()) {
        if (source instanceof DiskSource disk) {
          if (json) {
            describeJson(disk, out);
          } else {
            describe(disk, out);
          }
        }
      }
      listing.write(layering.tree(layered), out);
    }
    out.flush();
    return Cli.EXIT_OK;
  }

  /** The partition table as comment lines; the partitions' trees follow under their numbers. */
  private static void describe(DiskSource disk, PrintWriter out) {
    PartitionTableReader.Table t = disk.table();
    out.println(
        "# "
            + disk.name()
            + ": "
            + t.kind()
            + ", "
            + t.sectorSize()
            + "-byte sectors"
            + t.diskGuid().map(g -> ", disk GUID " + g).orElse(""));
    for (PartitionTableReader.Partition p : t.parts()) {
      out.println(
          "# "
              + p.number()
              + " offset="
              + p.offset()
              + " size="
              + p.size()
              + " ("
              + Sizes.format(p.size())
              + ") type="
              + p.type()
              + p.uuid().map(u -> " uuid=" + u).orElse("")
              + (p.name().isEmpty() ? "" : " name=" + p.name())
              + " filesystem="
              + disk.filesystem(p.number()).orElse("unknown"));
    }
  }

  /**
   * The partition table as JSON Lines objects with a {@code "partition"} field (entries have a
   * {@code "path"} instead), before the entries.
   */
  private static void describeJson(DiskSource disk, PrintWriter out) {
    PartitionTableReader.Table t = disk.table();
    for (PartitionTableReader.Partition p : t.parts()) {
      StringBuilder sb = new StringBuilder();
      Json j =
          new Json(sb)
              .beginObject()
              .field("disk", disk.name())
              .field("table", t.kind())
              .field("sector_size", t.sectorSize());
      t.diskGuid().ifPresent(g -> j.field("disk_guid", g.toString()));
      j.field("partition", p.number())
          .field("offset", p.offset())
          .field("size", p.size())
          .field("type", p.type());
      p.uuid().ifPresent(u -> j.field("uuid", u.toString()));
      j.field("name", p.name());
      disk.filesystem(p.number()).ifPresent(f -> j.field("filesystem", f));
      j.endObject();
      out.println(sb);
    }
  }
}
