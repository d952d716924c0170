/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import dev.jimg.core.Sizes;
import dev.jimg.core.progress.ProgressEvent;
import dev.jimg.core.progress.ProgressListener;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Renders progress on a terminal as one line per phase that is rewritten in place ({@code "writing
 * file data: 42% (1.2 GiB of 2.8 GiB)"}), finished with a newline when the phase ends or another
 * begins. Redraws only when the whole percentage (or, without a total, the count's rendering)
 * changes, so a fast stream of events costs little. Not thread-safe: the library reports from the
 * working thread.
 */
final class ProgressRenderer implements ProgressListener {
  private final PrintWriter err;
  private String phase;
  private String shown = "";

  ProgressRenderer(PrintWriter err) {
    this.err = err;
  }

  /** A renderer when standard error is a terminal, else {@link ProgressListener#NONE}. */
  static ProgressListener forTerminal(boolean terminal, PrintWriter err) {
    return terminal ? new ProgressRenderer(err) : ProgressListener.NONE;
  }

  @Override
  public void onProgress(ProgressEvent event) {
    if (phase != null && !phase.equals(event.phase())) {
      err.print('\n');
      shown = "";
    }
    phase = event.phase();
    String key = redrawKey(event);
    if (!key.equals(shown)) {
      err.print('\r');
      err.print(render(event));
      shown = key;
      if (event.isComplete()) {
        err.print('\n');
        phase = null;
        shown = "";
      }
      err.flush();
    }
  }

  /** Ends a line left open by an unfinished phase. */
  void finish() {
    if (phase != null) {
      err.print('\n');
      err.flush();
      phase = null;
    }
  }

  /** What must change for a redraw: the whole percentage, or without a total the rendering. */
  private static String redrawKey(ProgressEvent e) {
    return e.total() == ProgressEvent.UNKNOWN ? render(e) : Long.toString(percent(e));
  }

  private static long percent(ProgressEvent e) {
    return e.total() == 0 ? 100 : Math.min(100, e.done() * 100 / e.total());
  }

  static String render(ProgressEvent e) {
    String done = amount(e.unit(), e.done());
    if (e.total() == ProgressEvent.UNKNOWN) {
      return e.phase() + ": " + done;
    }
    long percent = e.total() == 0 ? 100 : Math.min(100, e.done() * 100 / e.total());
    return String.format(
        Locale.ROOT, "%s: %3d%% (%s of %s)", e.phase(), percent, done, amount(e.unit(), e.total()));
  }

  private static String amount(ProgressEvent.Unit unit, long n) {
    return unit == ProgressEvent.Unit.BYTES ? Sizes.format(n) : Sizes.thousands(n);
  }
}
