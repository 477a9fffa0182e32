package io.driftgate.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code driftgate} command. */
@Command(
    name = "driftgate",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Continuous, drift-triggered model retraining.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:ok",
      "1:negative verdict (gate rejected, drift --fail-on-drift found drift, nothing to cancel)",
      "2:usage or configuration error",
      "3:runtime failure (rerun with --verbose or DRIFTGATE_DEBUG=1 for the stack trace)"
    },
    subcommands = {
      LauncherCommand.class,
      RunsCommand.class,
      KafkaCommand.class,
      ProduceCommand.class,
      IngestCommand.class,
      LakeCommand.class,
      DriftCommand.class,
      MonitorCommand.class,
      ReportCommand.class,
      RequestCommand.class,
      GateCommand.class,
      ModelsCommand.class,
      PromoteCommand.class,
      RollbackCommand.class,
      LedgerCommand.class,
      TrainCommand.class,
      TuneCommand.class,
      CompletionCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  /** The command ran and the answer is yes (or there was no question). */
  public static final int EXIT_OK = 0;

  /** The command ran and the answer is no: gate rejected, drift found with --fail-on-drift. */
  public static final int EXIT_NEGATIVE = 1;

  /** The command line or the configuration is wrong; nothing ran. */
  public static final int EXIT_USAGE = 2;

  /** Something failed while running: I/O, a service, a bug. */
  public static final int EXIT_FAILURE = 3;

  /** Set to 1 to print stack traces of runtime failures (like --verbose). */
  static final String DEBUG_ENV = "DRIFTGATE_DEBUG";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(
      names = "--verbose",
      scope = CommandLine.ScopeType.INHERIT,
      description = "On a runtime failure, print the stack trace.")
  boolean verbose;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs a command line and returns its exit code (tests call this). */
  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  /**
   * The command tree with its enum converters and exit-code handling (tests parse with it; the demo
   * module adds its {@code demo} command to it).
   */
  public static CommandLine commandLine() {
    CommandLine cl = CliEnums.register(new CommandLine(new Main()));
    cl.setExecutionExceptionHandler(new ErrorHandler());
    return cl;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Prints the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"driftgate " + (v == null ? "dev" : v)};
    }
  }

  /**
   * Exit codes for exceptions: user errors (bad spec, bad argument, impossible state) print one
   * line and exit {@link #EXIT_USAGE}; anything else prints one line, a hint and exits {@link
   * #EXIT_FAILURE}, with the stack trace only when asked for (--verbose, DRIFTGATE_DEBUG=1).
   */
  static final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    private final java.util.function.Function<String, String> env;

    ErrorHandler() {
      this(System::getenv);
    }

    ErrorHandler(java.util.function.Function<String, String> env) {
      this.env = env;
    }

    @Override
    public int handleExecutionException(
        Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
      java.io.PrintWriter err = cmd.getErr();
      if (ex instanceof io.driftgate.core.spec.SpecException
          || ex instanceof IllegalArgumentException
          || ex instanceof IllegalStateException) {
        err.println("driftgate: " + ex.getMessage());
        return EXIT_USAGE;
      }
      err.println("driftgate: " + describe(ex));
      if (verbose(parseResult) || "1".equals(env.apply(DEBUG_ENV))) {
        ex.printStackTrace(err);
      } else {
        err.println(
            "driftgate: rerun with --verbose (or " + DEBUG_ENV + "=1) to see the stack trace");
      }
      err.flush();
      return EXIT_FAILURE;
    }

    /** The message, or the exception's type when it has none (a NullPointerException). */
    static String describe(Throwable ex) {
      String m = ex.getMessage();
      if (m == null || m.isBlank()) {
        return ex.getClass().getSimpleName();
      }
      return m.replace('\n', ' ');
    }

    private static boolean verbose(CommandLine.ParseResult pr) {
      for (CommandLine.ParseResult r = pr; r != null; r = r.subcommand()) {
        if (r.hasMatchedOption("--verbose")) {
          return true;
        }
      }
      return false;
    }
  }
}
