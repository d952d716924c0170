/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import dev.jimg.core.io.DeepStack;
import dev.jimg.core.repro.Identities;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Runs one jimg command line against the given streams and environment and returns the exit code:
 * {@value #EXIT_OK} success, {@value Failures#EXIT_FAILED} the command failed (one line {@code
 * jimg: <message>} on standard error; the stack trace too with {@code --debug} or {@code
 * JIMG_DEBUG=1}), {@value #EXIT_USAGE} the command line itself is wrong.
 *
 * <p>Each call builds its own command objects, so runs do not share state.
 */
public final class Cli {
  /** Success. */
  public static final int EXIT_OK = 0;

  /** Bad usage: an unknown option, a missing argument, a malformed value. */
  public static final int EXIT_USAGE = 2;

  /** The environment variable that turns on {@code --debug} for every run. */
  public static final String DEBUG_VARIABLE = "JIMG_DEBUG";

  /** The verbs that build an image, so derive identities from a seed. */
  private static final List<String> BUILDING_VERBS = List.of("mkfs", "disk", "build");

  /** Every verb, in the order the help lists them: jimg's, then picocli's {@code help}. */
  static final List<String> ALL_VERBS = allVerbs();

  private Cli() {}

  /**
   * Parses {@code args} and runs the command they name.
   *
   * @param stdin what {@code -} as a source reads
   * @param env the environment ({@link #DEBUG_VARIABLE}; SOURCE_DATE_EPOCH for builds)
   */
  public static int run(
      String[] args, InputStream stdin, PrintWriter out, PrintWriter err, Map<String, String> env) {
    return run(args, stdin, out, err, env, false);
  }

  /**
   * As {@link #run(String[], InputStream, PrintWriter, PrintWriter, Map)}; with {@code terminal}
   * set, long work shows its progress on {@code err}. Bytes a command writes raw ({@code cat})
   * reach {@code out} decoded as UTF-8.
   */
  public static int run(
      String[] args,
      InputStream stdin,
      PrintWriter out,
      PrintWriter err,
      Map<String, String> env,
      boolean terminal) {
    TextSink raw = new TextSink(out);
    int code = run(args, stdin, raw, out, err, env, terminal);
    raw.flush();
    return code;
  }

  /**
   * As {@link #run(String[], InputStream, PrintWriter, PrintWriter, Map, boolean)}, with {@code
   * stdout} for what a command writes as raw bytes (file contents); text goes to {@code out}.
   */
  public static int run(
      String[] args,
      InputStream stdin,
      OutputStream stdout,
      PrintWriter out,
      PrintWriter err,
      Map<String, String> env,
      boolean terminal) {
    boolean debugFromEnv = isTrue(env.get(DEBUG_VARIABLE));
    String verb = namedVerb(args);
    if (verb != null && BUILDING_VERBS.contains(verb)) {
      preloadIdentities();
    }
    JimgCommand top = new JimgCommand(stdin, stdout, env, terminal);
    CommandLine cl = new CommandLine(JimgCommand.spec(top));
    for (String name : verbsFor(args)) {
      cl.addSubcommand(name, JimgCommand.verb(name, top));
    }
    CommandLine mkfs = cl.getSubcommands().get("mkfs");
    if (mkfs != null) {
      mkfs.setUnmatchedOptionsArePositionalParams(true);
      MkfsCommand.describeFormatsInHelp(mkfs);
    }
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setParameterExceptionHandler(new UsageErrors());
    cl.setExecutionExceptionHandler(new CommandFailures(debugFromEnv));
    int code;
    try {
      code = onDeepStack(() -> cl.execute(args));
    } catch (OutOfMemoryError | StackOverflowError e) {
      // picocli hands Exceptions to CommandFailures but lets Errors through. By now the tree is
      // unreachable, so there is room to say what happened; if not, a fixed line still is.
      try {
        ParseResult parsed = cl.getParseResult();
        code =
            parsed == null
                ? Failures.report(e, debugFromEnv, err)
                : ((CommandFailures) cl.getExecutionExceptionHandler()).report(e, parsed);
      } catch (OutOfMemoryError | StackOverflowError again) {
        err.println(
            again instanceof StackOverflowError ? "jimg: stack overflow" : "jimg: out of memory");
        code = Failures.EXIT_FAILED;
      }
    }
    out.flush();
    err.flush();
    return code;
  }

  /**
   * Runs {@code work} on a thread with a deep stack ({@link DeepStack}) and waits for it; what it
   * throws is thrown here.
   */
  static int onDeepStack(IntSupplier work) {
    try {
      return DeepStack.call("jimg", work::getAsInt);
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible);
    }
  }

  /**
   * The verbs to add for {@code args}: the one they name, or all of them when they name none, ask
   * for help or a version at the top level, or name one picocli would have to look up (an {@code
   * @argfile}, an unknown word, after {@code --}), so that usage, suggestions and errors are as if
   * every verb were there. None for {@code jimg --version} alone, which prints only the version.
   */
  static List<String> verbsFor(String[] args) {
    if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
      return List.of();
    }
    String verb = namedVerb(args);
    return verb != null && JimgCommand.VERB_NAMES.contains(verb) ? List.of(verb) : ALL_VERBS;
  }

  private static List<String> allVerbs() {
    List<String> all = new ArrayList<>(JimgCommand.VERB_NAMES);
    all.add("help");
    return List.copyOf(all);
  }

  /** The first word of {@code args} but {@code --debug}: the verb if it is one; null if none. */
  private static String namedVerb(String[] args) {
    for (String a : args) {
      if (!a.equals(JimgCommand.DEBUG_OPTION)) {
        return a;
      }
    }
    return null;
  }

  /**
   * Loads the JDK's SHA-256 and HMAC (for the seed and the identities every build derives) on a
   * thread of its own, while this one parses the command line and reads the input: about 40 ms less
   * before the first byte of an image on a cold JVM. Nothing waits for it, and a failure there
   * shows up where the identities are used.
   */
  private static void preloadIdentities() {
    new Preload().start();
  }

  /** The thread of {@link #preloadIdentities} (a class, not a lambda: no call site to link). */
  private static final class Preload extends Thread {
    Preload() {
      super("jimg-preload");
      setDaemon(true);
    }

    @Override
    public void run() {
      try {
        Identities.preload();
      } catch (RuntimeException ignored) {
        // the build itself reports it where the identities are used
      }
    }
  }

  // The handlers below, and any other implementation of a picocli interface, are named classes, not
  // lambdas: picocli is compiled for Java 5, and a lambda implementing one of its interfaces makes
  // the CDS dump link that interface early, which keeps it and every picocli class implementing it
  // out of the archive (22 classes then loaded from the jar at each start).

  /** A wrong command line: the message, suggestions and where to find help; exit 2. */
  private static final class UsageErrors implements IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException ex, String[] args) {
      CommandLine cmd = ex.getCommandLine();
      PrintWriter e = cmd.getErr();
      e.println("jimg: " + ex.getMessage());
      UnmatchedArgumentException.printSuggestions(ex, e);
      e.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
      e.flush();
      return EXIT_USAGE;
    }
  }

  /** A command that failed: one line (and the stack trace with --debug), exit 1. */
  private static final class CommandFailures implements IExecutionExceptionHandler {
    private final boolean debugFromEnv;

    CommandFailures(boolean debugFromEnv) {
      this.debugFromEnv = debugFromEnv;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
      return report(ex, parseResult);
    }

    /** Reports a failure of the command {@code parseResult} names; returns the exit code. */
    int report(Throwable t, ParseResult parseResult) {
      ParseResult last = parseResult;
      while (last.subcommand() != null) {
        last = last.subcommand();
      }
      CommandLine cmd = last.commandSpec().commandLine();
      int code = Failures.report(t, debugFromEnv || debugRequested(parseResult), cmd.getErr());
      // diff exits as diff(1) does: 1 means "different", so a failure is 2
      return cmd.getCommand() instanceof DiffCommand ? DiffCommand.EXIT_TROUBLE : code;
    }
  }

  /** Whether {@code --debug} appears on the command line, before or after the verb. */
  private static boolean debugRequested(ParseResult result) {
    for (ParseResult pr = result; pr != null; pr = pr.subcommand()) {
      if (pr.hasMatchedOption(JimgCommand.DEBUG_OPTION)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isTrue(String value) {
    return value != null && !value.isEmpty() && !value.equals("0") && !value.equals("false");
  }

  /** Raw output collected and written to a text writer as UTF-8 when flushed (tests, training). */
  private static final class TextSink extends ByteArrayOutputStream {
    private final PrintWriter out;

    TextSink(PrintWriter out) {
      this.out = out;
    }

    @Override
    public synchronized void flush() {
      out.write(toString(StandardCharsets.UTF_8));
      reset();
      out.flush();
    }
  }
}
