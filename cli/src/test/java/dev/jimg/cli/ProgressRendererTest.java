/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jimg.core.progress.ProgressEvent;
import dev.jimg.core.progress.ProgressListener;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressRendererTest {
  @Test
  void render_bytesWithTotal_percentAndUnits() {
    assertThat(ProgressRenderer.render(ProgressEvent.bytes("writing data", 512L << 20, 1L << 30)))
        .isEqualTo("writing data:  50% (512 MiB of 1 GiB)");
  }

  @Test
  void render_itemsWithoutTotal_count() {
    assertThat(
            ProgressRenderer.render(
                ProgressEvent.items("reading tar", 12_345, ProgressEvent.UNKNOWN)))
        .isEqualTo("reading tar: 12,345");
  }

  @Test
  void onProgress_redrawsOnlyOnChange_andEndsPhasesWithNewline() {
    StringWriter sw = new StringWriter();
    ProgressRenderer r = new ProgressRenderer(new PrintWriter(sw));
    r.onProgress(ProgressEvent.items("inodes", 0, 1000));
    r.onProgress(ProgressEvent.items("inodes", 1, 1000)); // still 0%: no redraw
    r.onProgress(ProgressEvent.items("inodes", 500, 1000));
    r.onProgress(ProgressEvent.items("inodes", 1000, 1000));
    r.onProgress(ProgressEvent.bytes("data", 0, ProgressEvent.UNKNOWN));
    r.finish();
    assertThat(sw.toString())
        .isEqualTo(
            "\rinodes:   0% (0 of 1,000)"
                + "\rinodes:  50% (500 of 1,000)"
                + "\rinodes: 100% (1,000 of 1,000)\n"
                + "\rdata: 0 B\n");
  }

  @Test
  void forTerminal_pipe_rendersNothing() {
    assertThat(ProgressRenderer.forTerminal(false, new PrintWriter(new StringWriter())))
        .isSameAs(ProgressListener.NONE);
  }
}
