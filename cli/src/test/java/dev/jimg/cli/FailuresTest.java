/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jimg.core.CorruptInputException;
import dev.jimg.core.JimgException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

class FailuresTest {
  @Test
  void message_noSuchFile_namesFile() {
    assertThat(Failures.message(new NoSuchFileException("/x/y.tar")))
        .isEqualTo("/x/y.tar: no such file or directory");
  }

  @Test
  void message_accessDenied_namesFile() {
    assertThat(Failures.message(new AccessDeniedException("/root/secret")))
        .isEqualTo("/root/secret: permission denied");
  }

  @Test
  void message_otherFileSystemException_usesReason() {
    assertThat(Failures.message(new FileSystemException("a", "b", "Too many levels of symlinks")))
        .isEqualTo("a -> b: Too many levels of symlinks");
  }

  @Test
  void message_uncheckedIo_unwraps() {
    assertThat(Failures.message(new UncheckedIOException(new NoSuchFileException("f"))))
        .isEqualTo("f: no such file or directory");
  }

  @Test
  void message_jimgException_isItsMessageOnOneLine() {
    assertThat(Failures.message(new JimgException("first\nsecond\r\n third")))
        .isEqualTo("first; second; third");
  }

  @Test
  void message_corruptInput_keepsMessage() {
    CorruptInputException e = new CorruptInputException("in.tar", 512, "bad header checksum");
    assertThat(Failures.message(e)).isEqualTo(e.getMessage().strip());
  }

  @Test
  void message_ioExceptionWithoutMessage_namesType() {
    assertThat(Failures.message(new IOException())).isEqualTo("IOException");
  }

  @Test
  void message_bug_saysInternalErrorAndWhere() {
    assertThat(Failures.message(new IllegalStateException("boom")))
        .startsWith("internal error: java.lang.IllegalStateException: boom at ")
        .contains("--debug");
  }

  @Test
  void message_stackOverflow_isNoBug_andSaysTheTreeIsTooDeep() {
    assertThat(Failures.message(new StackOverflowError()))
        .startsWith("stack overflow: the tree's directories nest too deeply")
        .doesNotContain("internal error");
  }

  @Test
  void onDeepStack_interruptReachesTheCommand_andItsResultComesBack() throws Exception {
    Thread caller = Thread.currentThread();
    Thread interrupter =
        new Thread(
            () -> {
              try {
                Thread.sleep(200);
              } catch (InterruptedException e) {
                return;
              }
              caller.interrupt();
            });
    interrupter.start();
    int code =
        Cli.onDeepStack(
            () -> {
              try {
                Thread.sleep(30_000);
                return 0;
              } catch (InterruptedException e) {
                return 130;
              }
            });
    // read (and clear) the flag before joining: join() on an interrupted thread throws when the
    // interrupter has not quite ended yet (a flaky failure on a loaded machine)
    boolean interrupted = Thread.interrupted();
    interrupter.join();
    assertThat(code).isEqualTo(130);
    assertThat(interrupted).isTrue();
  }

  @Test
  void message_outOfMemory_isNoBug_andSaysHowToGiveMoreHeap() {
    assertThat(Failures.outOfMemory("Java heap space", 200L << 20))
        .isEqualTo(
            "out of memory (Java heap space): this run could use at most 200 MiB of Java heap, and"
                + " the tree takes about 1 KB per entry; give it more with"
                + " JIMG_JAVA_OPTS=-Xmx<size>, e.g. JIMG_JAVA_OPTS=-Xmx4g");
    assertThat(Failures.message(new OutOfMemoryError()))
        .startsWith("out of memory: this run could use ")
        .doesNotContain("internal error");
    // not the heap: no advice about -Xmx
    assertThat(Failures.message(new OutOfMemoryError("unable to create native thread")))
        .isEqualTo(
            "out of memory (unable to create native thread); the machine or container has too"
                + " little for this run");
  }

  @Test
  void report_withoutDebug_printsOneLine() {
    StringWriter sw = new StringWriter();
    int code = Failures.report(new JimgException("bad"), false, new PrintWriter(sw));
    assertThat(code).isEqualTo(1);
    assertThat(sw.toString()).isEqualTo("jimg: bad" + System.lineSeparator());
  }
}
