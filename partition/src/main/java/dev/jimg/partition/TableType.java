/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.partition;

/** The partition table a disk gets. */
public enum TableType {
  /** GUID partition table with a protective MBR. */
  GPT,
  /** A DOS/MBR partition table with up to four primary partitions. */
  MBR
}
