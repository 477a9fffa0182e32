package io.driftgate.demo;

import io.driftgate.cli.Main;
import picocli.CommandLine;

/**
 * The {@code driftgate} command with {@code demo}: the CLI's command tree plus the embedded
 * end-to-end demo, whose broker and generators never ship in a production image ({@code ./driftgate
 * demo} runs this).
 */
public final class DemoMain {
  private DemoMain() {}

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs a command line and returns its exit code. */
  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  /** The CLI's command tree with {@code demo} added. */
  static CommandLine commandLine() {
    CommandLine cl = Main.commandLine();
    cl.addSubcommand(new CommandLine(new DemoCommand()));
    return cl;
  }
}
