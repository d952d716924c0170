/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code jimg build}: a whole (bootable) system disk from one spec. */
@Command(
    name = "build",
    addMethodSubcommands = false,
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Write a bootable disk image (GPT, UEFI) from one YAML spec.",
      "The root tree is layered from its sources (rootfs tars, directories, .deb",
      "packages); an EFI system partition gets systemd-boot, the kernel and the",
      "initrd; the root partition (ext4, or squashfs read-only) gets /etc/fstab by",
      "PARTUUID. No root, mounts or loop devices needed; the same spec, seed and",
      "inputs give the same bytes. A jimg disk spec is valid here too.",
      "Schema: docs/build-spec.md."
    },
    footer = {
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
      "    -drive file=demo.img,format=raw,if=virtio -nographic"
    })
final class BuildCommand implements Callable<Integer> {
  @ParentCommand private JimgCommand parent;

  @Spec private CommandSpec spec;

  @Mixin private DiskOutputOptions output;

  @Parameters(
      index = "0",
      paramLabel = "SPEC.yaml",
      description = "The build spec; relative paths in it are relative to its directory.")
  private Path specFile;

  @Parameters(index = "1", paramLabel = "IMAGE", description = "The disk image to write.")
  private Path image;

  @Option(
      names = "--time",
      paramLabel = "TIME",
      description =
          "The build time: @SECONDS since 1970 or ISO-8601 UTC. Overrides SOURCE_DATE_EPOCH.")
  private String time;

  @Option(names = "--root-owner", description = "Give every entry of the sources owner 0:0.")
  private boolean rootOwner;

  @Option(
      names = {"-q", "--quiet"},
      description = "Print nothing on success.")
  private boolean quiet;

  @Override
  public Integer call() throws IOException {
    OutputFormat out = output.outputFormat();
    Optional<Timestamp> at = MkfsCommand.parseTime(time);
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
