/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.testdata;

/**
 * The host programs that judge our images (and the peers that make reference images), each with the
 * Debian package that provides it, so a skipped test can say what to install.
 */
public enum Tool {
  E2FSCK("e2fsck", "e2fsprogs"),
  DEBUGFS("debugfs", "e2fsprogs"),
  DUMPE2FS("dumpe2fs", "e2fsprogs"),
  MKE2FS("mke2fs", "e2fsprogs"),
  UNSQUASHFS("unsquashfs", "squashfs-tools"),
  MKSQUASHFS("mksquashfs", "squashfs-tools"),
  FSCK_FAT("fsck.fat", "dosfstools"),
  MKFS_FAT("mkfs.fat", "dosfstools"),
  MDIR("mdir", "mtools"),
  MCOPY("mcopy", "mtools"),
  SGDISK("sgdisk", "gdisk"),
  SFDISK("sfdisk", "fdisk"),
  FDISK("fdisk", "fdisk"),
  QEMU_IMG("qemu-img", "qemu-utils"),
  QEMU_SYSTEM_X86_64("qemu-system-x86_64", "qemu-system-x86"),
  GETFATTR("getfattr", "attr"),
  SETFATTR("setfattr", "attr"),
  TAR("tar", "tar"),
  DPKG_DEB("dpkg-deb", "dpkg"),
  DPKG_QUERY("dpkg-query", "dpkg"),
  BSDTAR("bsdtar", "libarchive-tools"),
  SIMG2IMG("simg2img", "android-sdk-libsparse-utils"),
  SYSTEMD_REPART("systemd-repart", "systemd"),
  MOUNT("mount", "mount"),
  UMOUNT("umount", "mount"),
  LOSETUP("losetup", "mount");

  private final String command;
  private final String debianPackage;

  Tool(String command, String debianPackage) {
    this.command = command;
    this.debianPackage = debianPackage;
  }

  /** The program's file name. */
  public String command() {
    return command;
  }

  /** The Debian package that provides it. */
  public String debianPackage() {
    return debianPackage;
  }

  /** What to tell a person whose host lacks the tool. */
  public String missingMessage() {
    return command + " not found; apt-get install " + debianPackage;
  }
}
