/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.partition;

import dev.jimg.core.JimgException;
import dev.jimg.core.source.Source;
import dev.jimg.core.source.SourceOptions;
import dev.jimg.core.spi.SourceProvider;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Recognises disk containers no source reads (qcow2 and Android sparse images, as {@code jimg disk
 * --format} writes them; dynamic VHD, VHDX and VMDK images), so that {@code jimg ls}, {@code cat},
 * {@code diff} and {@code extract} say what the file is and how to get a raw disk from it, instead
 * of failing to read it as a tar archive. A fixed VHD needs nothing: it is the raw disk with a
 * footer, and reads as one.
 */
public final class ContainerSourceProvider implements SourceProvider {
  public ContainerSourceProvider() {}

  @Override
  public String name() {
    return "container";
  }

  @Override
  public boolean recognises(byte[] head) {
    return kind(head) != null;
  }

  /** The container {@code head} starts, with how to convert it, or {@code null}. */
  private static String kind(byte[] head) {
    if (head.length < 8) {
      return null;
    }
    ByteBuffer big = ByteBuffer.wrap(head).order(ByteOrder.BIG_ENDIAN);
    ByteBuffer little = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
    if (big.getInt(0) == Qcow2.MAGIC) {
      return "a qcow2 image; jimg reads raw disks: qemu-img convert -O raw FILE FILE.raw";
    }
    if (little.getInt(0) == AndroidSparse.MAGIC) {
      return "an Android sparse image; jimg reads raw disks: simg2img FILE FILE.raw";
    }
    String magic = new String(head, 0, 8, java.nio.charset.StandardCharsets.ISO_8859_1);
    String qemu = "; jimg reads raw disks (and fixed VHDs): qemu-img convert -O raw FILE FILE.raw";
    if (magic.equals("conectix")) {
      return "a dynamic VHD" + qemu;
    }
    if (magic.equals("vhdxfile")) {
      return "a VHDX image" + qemu;
    }
    if (magic.startsWith("KDMV")) {
      return "a VMDK image" + qemu;
    }
    return null;
  }

  @Override
  public Source open(Path file, SourceOptions options) throws IOException {
    byte[] head = new byte[8];
    try (var in = java.nio.file.Files.newInputStream(file)) {
      int n = in.readNBytes(head, 0, head.length);
      String what = n == head.length ? kind(head) : null;
      throw new JimgException(
          file
              + ": "
              + (what == null
                  ? "an unreadable disk container"
                  : what.replace("FILE", file.toString())));
    }
  }
}
