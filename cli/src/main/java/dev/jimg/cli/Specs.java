/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import java.util.List;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The verbs' command lines, declared in code rather than with picocli's annotations: reading the
 * annotations (a proxy class generated per annotation type, every method of a command looked at)
 * cost each run of a cold JVM about 30 ms before the command started, an eighth of {@code jimg
 * mkfs} of a one-file tree (measured by alternating runs, 260 -> 230 ms). Help texts and parsing
 * are picocli's, as before.
 *
 * <p>A verb's values are read from its parse result when it runs ({@link
 * picocli.CommandLine.ParseResult#matchedOptionValue}); positional parameters are all required, so
 * the n-th declared is the n-th matched.
 */
final class Specs {
  private Specs() {}

  /**
   * A command named {@code name} that runs {@code command}: add its arguments in the order the help
   * should list them (where options are not sorted), then {@link Builder#build} adds {@code
   * -h/--help} and {@code -V/--version}.
   */
  static Builder command(Object command, String name, String[] description, String[] footer) {
    CommandSpec spec = CommandSpec.wrapWithoutInspection(command).name(name);
    spec.usageMessage().description(description).footer(footer);
    return new Builder(spec);
  }

  /** Adds arguments to a command, then the standard help options. */
  static final class Builder {
    private final CommandSpec spec;

    private Builder(CommandSpec spec) {
      this.spec = spec;
    }

    /** Adds options and positional parameters, in order. */
    Builder add(ArgSpec... args) {
      for (ArgSpec arg : args) {
        if (arg instanceof OptionSpec option) {
          spec.addOption(option);
        } else {
          spec.addPositional((PositionalParamSpec) arg);
        }
      }
      return this;
    }

    /** Adds {@code -h/--help} and {@code -V/--version} and returns the command. */
    CommandSpec build() {
      spec.addOption(
          OptionSpec.builder("-h", "--help")
              .usageHelp(true)
              .description("Show this help message and exit.")
              .build());
      spec.addOption(
          OptionSpec.builder("-V", "--version")
              .versionHelp(true)
              .description("Print version information and exit.")
              .build());
      spec.versionProvider(new VersionProvider());
      return spec;
    }
  }

  /** Lines of text (a description or a footer). */
  static String[] lines(String... lines) {
    return lines;
  }

  /** An option without a value: true when given. */
  static OptionSpec flag(String description, String... names) {
    return OptionSpec.builder(names).type(boolean.class).description(description).build();
  }

  /** An option with one text value, shown as {@code --name=LABEL}. */
  static OptionSpec option(String label, String description, String... names) {
    return option(label, String.class, description, names);
  }

  /** An option with one value of {@code type} (converted by picocli). */
  static OptionSpec option(String label, Class<?> type, String description, String... names) {
    return OptionSpec.builder(names).paramLabel(label).type(type).description(description).build();
  }

  /** An option that may be given several times; its value is the list, in order. */
  static OptionSpec repeatable(
      String label, Class<?> elementType, String description, String... names) {
    return OptionSpec.builder(names)
        .paramLabel(label)
        .type(List.class)
        .auxiliaryTypes(elementType)
        .description(description)
        .build();
  }

  /** One required positional parameter at {@code index}. */
  static PositionalParamSpec positional(
      String index, String label, Class<?> type, String... description) {
    return PositionalParamSpec.builder()
        .index(index)
        .required(true)
        .paramLabel(label)
        .type(type)
        .description(description)
        .build();
  }

  /** Positional parameters from {@code index} on, as a list of text, {@code arity} of them. */
  static PositionalParamSpec positionals(
      String index, String arity, String label, String... description) {
    return PositionalParamSpec.builder()
        .index(index)
        .arity(arity)
        .required(true)
        .paramLabel(label)
        .type(List.class)
        .auxiliaryTypes(String.class)
        .description(description)
        .build();
  }
}
