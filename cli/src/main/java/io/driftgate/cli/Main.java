package io.driftgate.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code driftgate} command. */
@Command(
    name = "driftgate",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Continuous, drift-triggered model retraining.",
    subcommands = {
      DemoCommand.class,
      LauncherCommand.class,
      RunsCommand.class,
      KafkaCommand.class,
      ProduceCommand.class,
      IngestCommand.class,
      LakeCommand.class,
      DriftCommand.class,
      MonitorCommand.class,
      RequestCommand.class,
      GateCommand.class,
      ModelsCommand.class,
      PromoteCommand.class,
      RollbackCommand.class,
      LedgerCommand.class,
      TrainCommand.class,
      TuneCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs a command line and returns its exit code (tests call this). */
  public static int execute(String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler(new ErrorHandler());
    return cl.execute(args);
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

  /** Known user errors print one clear message, not a stack trace. */
  static final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(
        Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
      if (ex instanceof io.driftgate.core.spec.SpecException
          || ex instanceof IllegalArgumentException
          || ex instanceof IllegalStateException) {
        cmd.getErr().println("driftgate: " + ex.getMessage());
        return 2;
      }
      throw new RuntimeException(ex);
    }
  }
}
