/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.testdata;

import java.nio.file.Path;

/**
 * A disk image attached read-only to a loop device with a given logical sector size, so tools that
 * assume 512-byte sectors for plain files (sgdisk, sfdisk, fdisk) judge a 4096-byte-sector disk as
 * the kernel would. Needs root; detached on {@link #close()}.
 */
public final class LoopDevice implements AutoCloseable {
  private final Path device;

  private LoopDevice(Path device) {
    this.device = device;
  }

  /**
   * Attaches {@code image}; skips the test (or fails it in strict mode) without root or losetup.
   */
  public static LoopDevice attach(Path image, int sectorSize) {
    Validators.requireRoot();
    Path losetup = Validators.require(Tool.LOSETUP);
    String dev =
        Exec.run(
                losetup.toString(),
                "--find",
                "--show",
                "--sector-size",
                Integer.toString(sectorSize),
                "--read-only",
                image.toString())
            .requireOk()
            .text()
            .trim();
    return new LoopDevice(Path.of(dev));
  }

  /** The device, e.g. {@code /dev/loop3}. */
  public Path device() {
    return device;
  }

  @Override
  public void close() {
    Exec.run(Validators.require(Tool.LOSETUP).toString(), "-d", device.toString());
  }
}
