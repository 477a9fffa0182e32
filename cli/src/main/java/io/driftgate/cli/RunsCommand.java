package io.driftgate.cli;

import io.driftgate.core.run.FileRunStore;
import io.driftgate.core.run.LauncherConfig;
import io.driftgate.core.run.Outcome;
import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunEvent;
import io.driftgate.core.run.RunJson;
import io.driftgate.core.run.RunMachine;
import io.driftgate.core.run.Transition;
import io.driftgate.core.spec.ModelSpec;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Lists, shows and cancels retraining runs in a run store. */
@Command(
    name = "runs",
    mixinStandardHelpOptions = true,
    description = "Inspect or cancel retraining runs in the launcher's run store.",
    subcommands = {RunsCommand.ListRuns.class, RunsCommand.Show.class, RunsCommand.Cancel.class})
final class RunsCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    new picocli.CommandLine(this).usage(System.out);
    return 2;
  }

  /** --runs-dir and the spec, shared by the subcommands. */
  static final class StoreOptions {
    @Mixin SpecOption specOption;

    @Mixin GateCommand.RegistryOptions registryOptions;

    @Option(
        names = "--runs-dir",
        description = "Run store directory. Default: 'runs' next to the registry.")
    Path runsDir;

    FileRunStore open() {
      if (runsDir != null) {
        return new FileRunStore(runsDir);
      }
      ModelSpec spec = specOption.load();
      return new FileRunStore(registryOptions.root(spec).resolveSibling("runs"));
    }
  }

  static void printTable(List<RetrainRun> runs) {
    System.out.printf("%-34s %-14s %-8s %-24s %s%n", "key", "state", "attempt", "updated", "model");
    for (RetrainRun r : runs) {
      System.out.printf(
          "%-34s %-14s %-8d %-24s %s%n",
          r.key(),
          r.state(),
          r.attempt(),
          r.updatedAt(),
          r.results().modelVersion() == null ? "-" : r.results().modelVersion());
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List every run.")
  static final class ListRuns implements Callable<Integer> {
    @Mixin StoreOptions store;

    @Override
    public Integer call() {
      printTable(store.open().list());
      return 0;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show a run: its history, handles and results.")
  static final class Show implements Callable<Integer> {
    @Mixin StoreOptions store;

    @Option(names = "--json", description = "Print the stored JSON.")
    boolean json;

    @Parameters(paramLabel = "KEY", description = "The run's idempotency key.")
    String key;

    @Override
    public Integer call() {
      RetrainRun r =
          store.open().get(key).orElseThrow(() -> new IllegalArgumentException("no run " + key));
      if (json) {
        System.out.println(RunJson.write(r));
        return 0;
      }
      System.out.printf(
          "run %s (%s): %s, attempt %d%n  request %s on [%s, %s)%n",
          r.key(),
          r.model(),
          r.state(),
          r.attempt(),
          r.request().reasons(),
          r.request().dataFrom(),
          r.request().dataTo());
      for (Transition t : r.history()) {
        System.out.printf("  %s  %-13s -> %-13s %s%n", t.at(), t.from(), t.to(), t.reason());
      }
      r.handles().forEach((k, v) -> System.out.printf("  handle %s = %s%n", k, v));
      System.out.printf(
          "  best %s (trial %s), model %s, version %s, promoted %s%n  gate: %s%n",
          r.results().bestParams(),
          r.results().bestTrial(),
          r.results().modelDir(),
          r.results().modelVersion(),
          r.results().promoted(),
          r.results().gateReason());
      if (r.failure() != null) {
        System.out.println("  failure: " + r.failure());
      }
      return 0;
    }
  }

  @Command(
      name = "cancel",
      mixinStandardHelpOptions = true,
      description = {
        "Mark a stored run that has not finished CANCELLED.",
        "Limitation: this edits the run store only. A launcher that is running now keeps its own"
            + " copy and is not told: stop it first (a restarted launcher loads the CANCELLED run"
            + " and submits nothing for it); a step already running (a trial JVM, a Kubernetes"
            + " Job) is not stopped by this command."
      })
  static final class Cancel implements Callable<Integer> {
    @Mixin StoreOptions store;

    @Option(names = "--reason", description = "Why. Default: ${DEFAULT-VALUE}.")
    String reason = "cancelled by an operator (driftgate runs cancel)";

    @Parameters(paramLabel = "KEY", description = "The run's idempotency key.")
    String key;

    @Override
    public Integer call() {
      FileRunStore s = store.open();
      RetrainRun r = s.get(key).orElseThrow(() -> new IllegalArgumentException("no run " + key));
      if (r.state().terminal()) {
        System.out.printf("run %s already finished: %s%n", key, r.state());
        return 1;
      }
      RunMachine machine = new RunMachine(LauncherConfig.defaults().policy(), Clock.systemUTC());
      Outcome o = machine.apply(r, new RunEvent.Cancel(reason));
      s.save(o.run());
      System.out.printf("run %s: %s -> %s%n", key, r.state(), o.run().state());
      if (!o.actions().isEmpty()) {
        System.out.println(
            "note: the run's current step was not stopped by this command (" + o.actions() + ")");
      }
      return 0;
    }
  }
}
