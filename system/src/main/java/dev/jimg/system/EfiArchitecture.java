/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.system;

import dev.jimg.core.CorruptInputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * The CPU architectures a UEFI boot loader is built for, told by the machine field of its PE/COFF
 * header, with the names UEFI and the Discoverable Partitions Specification give them.
 */
public enum EfiArchitecture {
  /** x86-64: {@code BOOTX64.EFI}, root type {@code root-x86-64}. */
  X86_64(0x8664, "x64", "root-x86-64"),
  /** 32-bit x86: {@code BOOTIA32.EFI}. */
  X86(0x014C, "ia32", "root-x86"),
  /** 64-bit ARM: {@code BOOTAA64.EFI}. */
  ARM64(0xAA64, "aa64", "root-arm64"),
  /** 32-bit ARM: {@code BOOTARM.EFI}. */
  ARM(0x01C2, "arm", "root-arm"),
  /** 64-bit RISC-V: {@code BOOTRISCV64.EFI}. */
  RISCV64(0x5064, "riscv64", "root-riscv64");

  /** Offset of the 32-bit offset of the PE header in the DOS header. */
  private static final int E_LFANEW = 0x3C;

  private static final int DOS_MAGIC = 0x5A4D; // "MZ"
  private static final int PE_SIGNATURE = 0x00004550; // "PE\0\0"

  private final int machine;
  private final String suffix;
  private final String rootType;

  EfiArchitecture(int machine, String suffix, String rootType) {
    this.machine = machine;
    this.suffix = suffix;
    this.rootType = rootType;
  }

  /** The removable-media boot path the firmware loads: {@code EFI/BOOT/BOOTX64.EFI}. */
  public String defaultBootPath() {
    return "EFI/BOOT/BOOT" + suffix.toUpperCase(Locale.ROOT) + ".EFI";
  }

  /** The suffix of systemd-boot's file name: {@code systemd-bootx64.efi}. */
  public String suffix() {
    return suffix;
  }

  /** The partition type name of a root partition for this architecture. */
  public String rootPartitionType() {
    return rootType;
  }

  /**
   * The architecture of the PE/COFF image whose first bytes are {@code head} (at least up to its PE
   * header).
   *
   * @param what names the file, for messages
   * @throws CorruptInputException if it is not a PE image or built for no UEFI architecture
   */
  public static EfiArchitecture ofPeImage(byte[] head, String what) throws CorruptInputException {
    ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
    if (head.length < E_LFANEW + 4 || (b.getShort(0) & 0xFFFF) != DOS_MAGIC) {
      throw new CorruptInputException(what, 0, "not a UEFI executable (no MZ header)");
    }
    long pe = b.getInt(E_LFANEW) & 0xFFFF_FFFFL;
    if (pe + 6 > head.length || b.getInt((int) pe) != PE_SIGNATURE) {
      throw new CorruptInputException(what, E_LFANEW, "not a UEFI executable (no PE header)");
    }
    int m = b.getShort((int) pe + 4) & 0xFFFF;
    for (EfiArchitecture a : values()) {
      if (a.machine == m) {
        return a;
      }
    }
    throw new CorruptInputException(
        what, pe + 4, String.format(Locale.ROOT, "PE machine 0x%04x is no UEFI architecture", m));
  }
}
