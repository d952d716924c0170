/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import static dev.jimg.cli.Specs.flag;
import static dev.jimg.cli.Specs.lines;
import static dev.jimg.cli.Specs.option;
import static dev.jimg.cli.Specs.positional;

import dev.jimg.core.Sizes;
import dev.jimg.core.progress.ProgressListener;
import dev.jimg.core.source.SourceOptions;
import dev.jimg.core.tree.Timestamp;
import dev.jimg.partition.DiskLayout;
import dev.jimg.partition.OutputFormat;
import dev.jimg.system.SystemImage;
import dev.jimg.system.SystemSpecParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/** {@code jimg build}: a whole (bootable) system disk from one spec. */
final class BuildCommand implements Callable<Integer> {
  private final JimgCommand parent;
  private CommandSpec spec;

  private BuildCommand(JimgCommand parent) {
    this.parent = parent;
  }

  /** The command line of {@code jimg build}. */
  static CommandSpec spec(JimgCommand parent) {
    BuildCommand c = new BuildCommand(parent);
    c.spec =
        Specs.command(
                c,
                "build",
                lines(
                    "Write a bootable disk image (GPT, UEFI) from one YAML spec.",
                    "The root tree is layered from its sources (rootfs tars, directories, .deb",
                    "packages); an EFI system partition gets systemd-boot, the kernel and the",
                    "initrd; the root partition (ext4, or squashfs read-only) gets /etc/fstab by",
                    "PARTUUID. No root, mounts or loop devices needed; the same spec, seed and",
                    "inputs give the same bytes. A jimg disk spec is valid here too.",
                    "Schema: docs/build-spec.md."),
                lines(
                    "",
                    "Example spec (demo.yaml):",
                    "  seed: demo",
                    "  root:",
                    "    sources: [rootfs.tar, overlay/]",
                    "    filesystem: ext4",
                    "  boot:",
                    "    loader: systemd-boot        # from the root tree, or a .deb / .efi path",
                    "    cmdline: console=ttyS0",
                    "  hostname: demo",
                    "",
                    "Examples:",
                    "  jimg build demo.yaml demo.img",
                    "  jimg build demo.yaml demo.qcow2 --format qcow2",
                    "  qemu-system-x86_64 -machine q35 -m 1G -bios /usr/share/ovmf/OVMF.fd \\",
                    "    -drive file=demo.img,format=raw,if=virtio -nographic"))
            .add(DiskOutputOptions.args())
            .add(
                positional(
                    "0",
                    "SPEC.yaml",
                    Path.class,
                    "The build spec; relative paths in it are relative to its directory."),
                positional("1", "IMAGE", Path.class, "The disk image to write."),
                option(
                    "TIME",
                    "The build time: @SECONDS since 1970 or ISO-8601 UTC. Overrides"
                        + " SOURCE_DATE_EPOCH.",
                    "--time"),
                flag("Give every entry of the sources owner 0:0.", "--root-owner"),
                flag("Print nothing on success.", "-q", "--quiet"))
            .build();
    return c.spec;
  }

  @Override
  public Integer call() throws IOException {
    ParseResult pr = spec.commandLine().getParseResult();
    DiskOutputOptions output = DiskOutputOptions.of(pr);
    Path specFile = pr.matchedPositionalValue(0, null);
    Path image = pr.matchedPositionalValue(1, null);
    boolean rootOwner = pr.matchedOptionValue("--root-owner", false);
    boolean quiet = pr.matchedOptionValue("--quiet", false);
    OutputFormat out = output.outputFormat();
    Optional<Timestamp> at = MkfsCommand.parseTime(pr.matchedOptionValue("--time", null));
    SystemImage build =
        SystemImage.of(SystemSpecParser.parse(specFile))
            .stdin(parent.stdin())
            .environment(parent.environment())
            .sourceOptions(SourceOptions.defaults().withRootOwner(rootOwner))
            .format(out);
    at.ifPresent(t -> build.buildTime(Instant.ofEpochSecond(t.seconds(), t.nanos())));
    output.seed().ifPresent(build::seed);
    ProgressListener progress =
        ProgressRenderer.forTerminal(parent.terminal() && !quiet, spec.commandLine().getErr());
    build.progress(progress);
    SystemImage.Result result;
    try {
      result = build.write(image);
    } finally {
      if (progress instanceof ProgressRenderer renderer) {
        renderer.finish();
      }
    }
    if (quiet) {
      return Cli.EXIT_OK;
    }
    PrintWriter w = spec.commandLine().getOut();
    DiskLayout layout = result.layout();
    w.printf(
        Locale.ROOT,
        "%s: %s, %s, disk GUID %s%n",
        image,
        layout.table().name().toLowerCase(Locale.ROOT),
        Sizes.format(layout.sizeBytes()),
        layout.diskGuid());
    for (DiskLayout.Placed p : layout.partitions()) {
      w.printf(
          Locale.ROOT,
          "  %d %-8s %10s  %s  PARTUUID %s%n",
          p.number(),
          p.name().isEmpty() ? "-" : p.name(),
          Sizes.format(p.size()),
          p.gptType(),
          p.uuid());
    }
    result
        .boot()
        .ifPresent(
            b -> {
              w.printf(Locale.ROOT, "  boot: %s (%s)%n", b.loader(), b.architecture().suffix());
              w.printf(
                  Locale.ROOT,
                  "  kernel: %s%s%n",
                  b.kernel(),
                  b.initrd().map(i -> ", initrd: " + i).orElse(""));
              w.printf(Locale.ROOT, "  cmdline: %s%n", b.cmdline());
            });
    w.flush();
    return Cli.EXIT_OK;
  }
}
