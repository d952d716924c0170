/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.system;

import dev.jimg.partition.DiskSpec;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What {@code jimg build} makes: a disk spec (as {@code jimg disk} takes it) plus a root tree and
 * what makes the disk boot. Read one with {@link SystemSpecParser}; the schema is in {@code
 * docs/build-spec.md}.
 *
 * @param disk the disk part: table, size, seed, extra partitions and blobs
 * @param root the root filesystem, if any
 * @param boot how the disk boots, if it should (needs {@code root})
 * @param hostname the host name written to {@code /etc/hostname}, if given
 * @param fingerprint a digest of the spec's text, the seed when the spec gives none
 */
public record SystemSpec(
    DiskSpec disk,
    Optional<Root> root,
    Optional<Boot> boot,
    Optional<String> hostname,
    String fingerprint) {

  /** Default size of the EFI system partition. */
  public static final long DEFAULT_ESP_SIZE = 256L << 20;

  public SystemSpec {
    Objects.requireNonNull(disk, "disk");
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(boot, "boot");
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(fingerprint, "fingerprint");
  }

  /**
   * The root filesystem.
   *
   * @param sources layered left to right as {@code jimg mkfs} layers them (.deb files unpacked as
   *     dpkg would)
   * @param filesystem ext4, ext3, ext2 or squashfs
   * @param options the filesystem writer's options
   * @param size a fixed partition size
   * @param minSize a lower bound for the computed size
   * @param grow whether the partition takes the disk's free space
   */
  public record Root(
      List<String> sources,
      String filesystem,
      Map<String, String> options,
      OptionalLong size,
      OptionalLong minSize,
      boolean grow) {
    public Root {
      sources = List.copyOf(sources);
      Objects.requireNonNull(filesystem, "filesystem");
      options = Map.copyOf(options);
      Objects.requireNonNull(size, "size");
      Objects.requireNonNull(minSize, "minSize");
    }
  }

  /**
   * How the disk boots: UEFI firmware loads the boot loader from the EFI system partition, which
   * loads the kernel and initrd with the command line.
   *
   * @param loader {@code systemd-boot} (taken from the root tree), a host file, or a .deb holding
   *     it
   * @param kernel {@code auto} (the newest {@code boot/vmlinuz-*} of the root tree), {@code
   *     root:/PATH} in the root tree, or a host file
   * @param initrd {@code auto} (the kernel's {@code boot/initrd.img-VERSION}), {@code none}, {@code
   *     root:/PATH} or a host file
   * @param cmdline what to add to the kernel command line after {@code root=PARTUUID=…}
   * @param espSize the EFI system partition's size
   */
  public record Boot(String loader, String kernel, String initrd, String cmdline, long espSize) {
    public Boot {
      Objects.requireNonNull(loader, "loader");
      Objects.requireNonNull(kernel, "kernel");
      Objects.requireNonNull(initrd, "initrd");
      Objects.requireNonNull(cmdline, "cmdline");
    }
  }
}
