/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.source;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Recovers the raw bytes of PAX extended-header values (POSIX.1-2001 {@code "%d %s=%s\n"} records)
 * from the header bytes {@link TarInput} recorded for one entry. commons-compress parses the
 * headers; it decodes every value as UTF-8, which corrupts binary xattr values ({@code
 * SCHILY.xattr.*}) and non-UTF-8 paths ({@code hdrcharset=BINARY}). This class does not parse tar
 * headers: it only looks, at each 512-byte record boundary, for a run of well-formed PAX records.
 */
final class TarPaxRecords {
  private static final int RECORD = 512;
  private static final int MAX_LENGTH_DIGITS = 19;

  private TarPaxRecords() {}

  /**
   * The raw value of every PAX record found in {@code captured}, whose first byte is at tar offset
   * {@code start}; a keyword seen twice keeps its last value.
   */
  static Map<String, byte[]> scan(byte[] captured, long start) {
    Map<String, byte[]> out = new HashMap<>();
    for (Map.Entry<String, byte[]> r : scanInOrder(captured, start)) {
      out.put(r.getKey(), r.getValue());
    }
    return out;
  }

  /**
   * Every PAX record found in {@code captured} in the order they appear, repeated keywords included
   * (GNU sparse format 0.0 repeats {@code GNU.sparse.offset} and {@code GNU.sparse.numbytes}).
   */
  static List<Map.Entry<String, byte[]>> scanInOrder(byte[] captured, long start) {
    List<Map.Entry<String, byte[]>> out = new ArrayList<>();
    int first = (int) Math.floorMod(-start, (long) RECORD);
    for (int block = first; block < captured.length; block += RECORD) {
      int p = block;
      List<Map.Entry<String, byte[]>> run = new ArrayList<>();
      while (true) {
        int next = record(captured, p, run);
        if (next < 0) {
          break;
        }
        p = next;
      }
      if (!run.isEmpty()) {
        out.addAll(run);
        int nextBoundary = first + (p - first + RECORD - 1) / RECORD * RECORD;
        block = nextBoundary - RECORD;
      }
    }
    return out;
  }

  /** Parses one record at {@code p} into {@code into}; returns where the next one starts or -1. */
  private static int record(byte[] b, int p, List<Map.Entry<String, byte[]>> into) {
    int i = p;
    long len = 0;
    while (i < b.length && i - p < MAX_LENGTH_DIGITS && b[i] >= '0' && b[i] <= '9') {
      len = len * 10 + (b[i] - '0');
      i++;
    }
    if (i == p || i >= b.length || b[i] != ' ' || len <= i - p + 1 || p + len > b.length) {
      return -1;
    }
    int end = (int) (p + len);
    if (b[end - 1] != '\n') {
      return -1;
    }
    int keyStart = i + 1;
    int eq = keyStart;
    while (eq < end - 1 && b[eq] != '=') {
      eq++;
    }
    if (eq >= end - 1 || eq == keyStart) {
      return -1;
    }
    String key = new String(b, keyStart, eq - keyStart, StandardCharsets.UTF_8);
    into.add(Map.entry(key, Arrays.copyOfRange(b, eq + 1, end - 1)));
    return end;
  }
}
