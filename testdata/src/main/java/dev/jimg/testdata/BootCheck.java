/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.testdata;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Boots a disk image under QEMU and UEFI firmware (OVMF) with the shared {@code
 * tools/boot-check.sh}, which waits for the guest's own {@code JIMG-BOOT-OK} line on its serial
 * console. Without QEMU, OVMF or the script the calling test is skipped (failed under {@value
 * Validators#REQUIRE_ENV}=1).
 */
public final class BootCheck {
  /** The shared script, relative to the directory that holds the project. */
  static final Path SCRIPT = Path.of("shared", "tools", "boot-check.sh");

  /** Where Debian's ovmf package puts the firmware. */
  static final List<Path> OVMF =
      List.of(Path.of("/usr/share/OVMF/OVMF_CODE.fd"), Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd"));

  private BootCheck() {}

  /**
   * The boot-check script: {@code ../shared/tools/boot-check.sh} from the project's root, found by
   * walking up from the working directory; skips (or fails) the test when QEMU, OVMF or the script
   * is missing.
   */
  public static Path require() {
    Validators.require(Tool.QEMU_SYSTEM_X86_64);
    if (OVMF.stream().noneMatch(Files::isReadable)) {
      Validators.unavailable("UEFI firmware for QEMU missing: apt-get install ovmf");
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolveSibling(SCRIPT.toString());
      if (dir.getParent() != null && Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    Validators.unavailable(
        "../shared/tools/boot-check.sh not found above " + Path.of("").toAbsolutePath());
    throw new IllegalStateException("unreachable");
  }

  /**
   * Boots {@code disk} (never modified: QEMU runs it as a snapshot) and waits up to {@code timeout}
   * for the marker.
   *
   * @return the script's result: exit 0 when the marker was seen, its output the serial lines up to
   *     the marker and a verdict line
   */
  public static Exec.Result boot(Path disk, Duration timeout) {
    Path script = require();
    List<String> cmd = new ArrayList<>();
    cmd.add("bash");
    cmd.add(script.toString());
    cmd.add(disk.toString());
    cmd.add("--timeout");
    cmd.add(Long.toString(timeout.toSeconds()));
    cmd.add("--lines");
    cmd.add("60");
    return Exec.run(timeout.plusSeconds(60), new byte[0], cmd);
  }
}
