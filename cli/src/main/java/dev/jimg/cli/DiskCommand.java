/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import static dev.jimg.cli.Specs.lines;
import static dev.jimg.cli.Specs.positional;

import dev.jimg.core.Sizes;
import dev.jimg.core.io.AtomicOutput;
import dev.jimg.partition.DiskImage;
import dev.jimg.partition.DiskLayout;
import dev.jimg.partition.DiskSpecParser;
import dev.jimg.partition.OutputFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/** {@code jimg disk}: a partitioned disk image from a YAML spec. */
final class DiskCommand implements Callable<Integer> {
  private final JimgCommand parent;
  private CommandSpec spec;

  private DiskCommand(JimgCommand parent) {
    this.parent = parent;
  }

  /** The command line of {@code jimg disk}. */
  static CommandSpec spec(JimgCommand parent) {
    DiskCommand c = new DiskCommand(parent);
    c.spec =
        Specs.command(
                c,
                "disk",
                lines(
                    "Write a partitioned disk image (GPT or MBR) described by a YAML spec.",
                    "Partitions are filled with filesystems from sources or with raw content",
                    "files; blobs go at byte offsets. The same spec and seed give the same bytes.",
                    "Schema: docs/disk-spec.md."),
                lines(
                    "",
                    "Examples:",
                    "  jimg disk disk.img --spec disk.yaml",
                    "  jimg disk disk.vhd --spec disk.yaml --format vhd --seed my-board"))
            .add(DiskOutputOptions.args())
            .add(
                positional("0", "IMAGE", Path.class, "The disk image to write."),
                OptionSpec.builder("--spec")
                    .required(true)
                    .paramLabel("SPEC.yaml")
                    .type(Path.class)
                    .description(
                        "The disk spec; relative paths in it are relative to its directory.")
                    .build())
            .build();
    return c.spec;
  }

  @Override
  public Integer call() throws IOException {
    ParseResult pr = spec.commandLine().getParseResult();
    DiskOutputOptions output = DiskOutputOptions.of(pr);
    Path image = pr.matchedPositionalValue(0, null);
    Path specFile = pr.matchedOptionValue("--spec", null);
    OutputFormat out = output.outputFormat();
    AtomicOutput.checkTarget(image); // a mistyped output fails before the sources are read
    DiskImage disk =
        DiskImage.of(DiskSpecParser.parse(specFile))
            .stdin(parent.stdin())
            .sourceDateEpochFromProcess()
            .format(out);
    output.seed().ifPresent(disk::seed);
    DiskLayout layout = disk.write(image);
    PrintWriter w = spec.commandLine().getOut();
    w.printf(
        Locale.ROOT,
        "%s: %s, %s, %d-byte sectors%s%n",
        image,
        layout.table().name().toLowerCase(Locale.ROOT),
        Sizes.format(layout.sizeBytes()),
        layout.sectorSize(),
        layout.diskGuid() != null
            ? ", disk GUID " + layout.diskGuid()
            : String.format(Locale.ROOT, ", disk signature 0x%08x", layout.diskSignature()));
    for (DiskLayout.Placed p : layout.partitions()) {
      w.printf(
          Locale.ROOT,
          "  %d %-16s %12d %10s  %s  %s%n",
          p.number(),
          p.name().isEmpty() ? "-" : p.name(),
          p.offset(),
          Sizes.format(p.size()),
          p.gptType() != null
              ? p.gptType().toString()
              : String.format(Locale.ROOT, "type 0x%02x", p.mbrType()),
          p.gptType() != null ? p.uuid().toString() : "");
    }
    w.flush();
    return Cli.EXIT_OK;
  }
}
