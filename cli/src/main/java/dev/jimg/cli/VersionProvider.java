/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code jimg --version}: the project version from {@code version.properties}, which Maven filters
 * at build time with nothing but the version (no build time, so the jar stays reproducible), and
 * the Java runtime it runs on.
 */
final class VersionProvider implements IVersionProvider {
  /** The jimg version, or {@code "unknown"} when the resource is missing (an unfiltered build). */
  static String version() {
    try (InputStream in = VersionProvider.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "unknown");
      return v.startsWith("${") ? "unknown" : v;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the jimg version resource", e);
    }
  }

  @Override
  public String[] getVersion() {
    return new String[] {
      "jimg " + version(),
      "Java "
          + System.getProperty("java.version")
          + " ("
          + System.getProperty("java.vendor")
          + ") on "
          + System.getProperty("os.name")
          + " "
          + System.getProperty("os.arch")
    };
  }
}
