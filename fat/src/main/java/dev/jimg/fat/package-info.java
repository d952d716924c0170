/* SPDX-License-Identifier: Apache-2.0 */
/**
 * FAT12/16/32 with VFAT long names: {@link dev.jimg.fat.FatWriter} writes a volume from a {@link
 * dev.jimg.core.tree.FileTree}, reachable as type {@code fat} through {@link
 * dev.jimg.fat.FatProvider}; {@link dev.jimg.fat.FatReader} reads one back, strictly. One class per
 * on-disk structure ({@link dev.jimg.fat.BootSector}, {@link dev.jimg.fat.FsInfo}, {@link
 * dev.jimg.fat.DirectoryEntry}, {@link dev.jimg.fat.LongNameEntry}), following the Microsoft FAT
 * specification 1.03.
 */
package dev.jimg.fat;
