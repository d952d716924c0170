/* SPDX-License-Identifier: Apache-2.0 */
/**
 * Partitioned disk images: GPT (512- and 4096-byte sectors), MBR with logical partitions, hybrid
 * MBR; a layout planner (alignment, fixed/min/max/grow sizes, sizes from the filesystem's plan);
 * partitions filled through the {@link dev.jimg.core.spi.Filesystems} SPI or from raw files; blobs
 * at byte offsets; raw, fixed VHD, qcow2 and Android sparse output.
 *
 * <p>Entry points: {@link dev.jimg.partition.DiskSpecParser} (YAML, see {@code docs/disk-spec.md})
 * or {@link dev.jimg.partition.DiskSpec#builder()}, then {@link dev.jimg.partition.DiskImage}.
 * Identities follow systemd-repart's derivation, so a seed gives the GUIDs repart gives.
 */
package dev.jimg.partition;
