/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.partition;

/** The partition table a disk gets. */
public enum TableType {
  /** GUID partition table with a protective MBR. */
  GPT,
  /**
   * A DOS/MBR partition table: up to four primary partitions, or three and an extended partition
   * holding the rest as logical partitions.
   */
  MBR,
  /**
   * A GPT whose MBR mirrors up to three of its partitions beside the 0xEE entry (for firmware that
   * reads only MBR, such as the Raspberry Pi's).
   */
  HYBRID
}
