/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.fat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The FAT32 FSInfo sector (Microsoft FAT specification 1.03, section 5): the free cluster count and
 * a hint where to look for a free cluster. jimg writes the true count, since {@code 0xFFFFFFFF}
 * ("unknown") makes fsck.fat complain.
 *
 * @param freeCount {@code FSI_Free_Count}
 * @param nextFree {@code FSI_Nxt_Free}: a cluster number, or {@code 0xFFFFFFFF} for none
 */
public record FsInfo(long freeCount, long nextFree) {
  static final int FSI_LEAD_SIG = 0x000;
  static final int FSI_STRUC_SIG = 0x1E4;
  static final int FSI_FREE_COUNT = 0x1E8;
  static final int FSI_NXT_FREE = 0x1EC;
  static final int FSI_TRAIL_SIG = 0x1FC;

  /** {@code FSI_LeadSig}. */
  public static final int LEAD_SIG = 0x4161_5252;

  /** {@code FSI_StrucSig}. */
  public static final int STRUC_SIG = 0x6141_7272;

  /** {@code FSI_TrailSig}. */
  public static final int TRAIL_SIG = 0xAA55_0000;

  /** Writes the structure at the start of {@code b} (a zero-filled sector). */
  public void write(ByteBuffer b) {
    b.order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(FSI_LEAD_SIG, LEAD_SIG);
    b.putInt(FSI_STRUC_SIG, STRUC_SIG);
    b.putInt(FSI_FREE_COUNT, (int) freeCount);
    b.putInt(FSI_NXT_FREE, (int) nextFree);
    b.putInt(FSI_TRAIL_SIG, TRAIL_SIG);
  }
}
