/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.testdata;

class TreeArbitrariesProperties {
  static final byte[] CAP =
      java.util.HexFormat.of().parseHex("0100000200200000000000000000000000000000");
}
