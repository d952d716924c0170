/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.deb;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds {@code var/lib/dpkg/status} stanzas the way dpkg writes them: the package's own control
 * fields plus {@code Status} and {@code Conffiles}, with dpkg's known fields first in dpkg's fixed
 * order (its {@code fieldinfos} table in lib/dpkg/parse.c, checked against dpkg 1.21 output) and
 * every other field after them in the control file's order. Stateless.
 */
public final class DpkgStatus {
  /** dpkg's order of the fields it knows. */
  public static final List<String> FIELD_ORDER =
      List.of(
          "Package",
          "Essential",
          "Protected",
          "Status",
          "Priority",
          "Section",
          "Installed-Size",
          "Origin",
          "Maintainer",
          "Bugs",
          "Architecture",
          "Multi-Arch",
          "Source",
          "Version",
          "Config-Version",
          "Replaces",
          "Provides",
          "Depends",
          "Pre-Depends",
          "Recommends",
          "Suggests",
          "Breaks",
          "Conflicts",
          "Enhances",
          "Conffiles",
          "Filename",
          "Size",
          "MD5sum",
          "MSDOS-Filename",
          "Description",
          "Triggers-Pending",
          "Triggers-Awaited");

  /** Status of a package whose files are in place and which needs no configuration. */
  public static final String INSTALLED = "install ok installed";

  /** Status of a package whose files are in place but whose maintainer scripts have not run. */
  public static final String UNPACKED = "install ok unpacked";

  /** The hash dpkg records for a conffile of a package that is not configured yet. */
  public static final String NEW_CONFFILE = "newconffile";

  private DpkgStatus() {}

  /**
   * The stanza for a package.
   *
   * @param conffiles each conffile's absolute path and hash (md5 hex or {@link #NEW_CONFFILE}), in
   *     the order of the package's {@code conffiles}
   */
  public static ControlParagraph stanza(
      ControlParagraph control, String status, Map<String, String> conffiles) {
    ControlParagraph.Builder b = control.toBuilder().remove("Status").remove("Conffiles");
    b.set("Status", status);
    if (!conffiles.isEmpty()) {
      StringBuilder v = new StringBuilder();
      for (Map.Entry<String, String> e : conffiles.entrySet()) {
        v.append("\n ").append(e.getKey()).append(' ').append(e.getValue());
      }
      b.set("Conffiles", v.toString());
    }
    return order(b.build());
  }

  /** The same fields in dpkg's order. */
  public static ControlParagraph order(ControlParagraph p) {
    List<ControlParagraph.Field> known = new ArrayList<>();
    for (String name : FIELD_ORDER) {
      for (ControlParagraph.Field f : p.fields()) {
        if (f.name().equalsIgnoreCase(name)) {
          known.add(new ControlParagraph.Field(name, f.value()));
        }
      }
    }
    List<ControlParagraph.Field> out = new ArrayList<>(known);
    for (ControlParagraph.Field f : p.fields()) {
      boolean isKnown = false;
      for (String name : FIELD_ORDER) {
        if (f.name().equalsIgnoreCase(name)) {
          isKnown = true;
        }
      }
      if (!isKnown) {
        out.add(f);
      }
    }
    return ControlParagraph.of(out);
  }
}
