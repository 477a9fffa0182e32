package io.driftgate.cli;

import io.driftgate.core.run.JdbcRunStore;
import io.driftgate.core.run.LauncherConfig;
import io.driftgate.core.run.Outcome;
import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunEvent;
import io.driftgate.core.run.RunJson;
import io.driftgate.core.run.RunMachine;
import io.driftgate.core.run.StaleRunException;
import io.driftgate.core.run.Transition;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.state.Endpoints;
import io.driftgate.core.state.StateDatabase;
import io.driftgate.launcher.LauncherHttp;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Lists, shows and cancels retraining runs in a run store. */
@Command(
    name = "runs",
    mixinStandardHelpOptions = true,
    description =
        "Inspect or cancel retraining runs: in the state database of the spec (its"
            + " state.database, by default the lake catalog's database), or through a running"
            + " launcher's HTTP endpoint (--launcher).",
    subcommands = {
      RunsCommand.ListRuns.class,
      RunsCommand.Show.class,
      RunsCommand.Cancel.class,
      RunsCommand.Rejected.class
    })
final class RunsCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    new picocli.CommandLine(this).usage(System.out);
    return 2;
  }

  /** The spec whose state database holds the runs, shared by the subcommands. */
  static final class StoreOptions {
    @Mixin SpecOption specOption;

    @Option(names = "--runs-dir", hidden = true, description = "Gone: runs are in the database.")
    Path legacyRunsDir;

    private ModelSpec spec;

    ModelSpec spec() {
      legacyRunsDir(legacyRunsDir);
      if (spec == null) {
        spec = specOption.load();
      }
      return spec;
    }

    /** The state database of the spec ({@code state.database}, else the lake catalog's). */
    StateDatabase database() {
      return StateDatabase.open(spec().state());
    }

    JdbcRunStore open() {
      return new JdbcRunStore(database());
    }
  }

  /** A clear error for the removed {@code --runs-dir} option. */
  static void legacyRunsDir(Path dir) {
    if (dir != null) {
      throw new IllegalArgumentException(
          "--runs-dir "
              + dir
              + ": runs are no longer files; they are in the state database (the spec's"
              + " state.database.url, by default the lake catalog's database). Drop --runs-dir"
              + " and pass --spec (and --lake) instead");
    }
  }

  /** --launcher, shared by the subcommands. */
  static final class LauncherOption {
    @Option(
        names = "--launcher",
        paramLabel = "URL",
        description =
            "A running launcher's HTTP endpoint (driftgate launcher --http-port), e.g."
                + " http://localhost:8080 through kubectl port-forward.")
    URI launcher;

    @Option(
        names = "--launcher-token-file",
        paramLabel = "FILE",
        defaultValue = "${env:DRIFTGATE_LAUNCHER_TOKEN_FILE}",
        description =
            "The bearer token of a launcher that requires one: the token of its"
                + " --http-token-file (in Kubernetes, the chart's Secret), or a service account"
                + " token (kubectl create token) for --http-token-review. Default: the file"
                + " named by DRIFTGATE_LAUNCHER_TOKEN_FILE.")
    Path tokenFile;

    /** A client of {@code url} that sends the token, when one is given. */
    LauncherClient client(URI url) {
      if (tokenFile == null) {
        return new LauncherClient(url);
      }
      String token;
      try {
        token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "--launcher-token-file: cannot read " + tokenFile + " (" + e + ")");
      }
      if (token.isEmpty()) {
        throw new IllegalArgumentException("--launcher-token-file: " + tokenFile + " is empty");
      }
      return new LauncherClient(url, token);
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

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List every run (of the store, or of the launcher at --launcher).")
  static final class ListRuns implements Callable<Integer> {
    @Mixin StoreOptions store;

    @Mixin LauncherOption launcherOption;

    @Option(names = "--json", description = "Print the runs as a JSON array.")
    boolean json;

    @Override
    public Integer call() {
      URI launcher = launcherOption.launcher;
      List<RetrainRun> runs =
          launcher != null ? launcherOption.client(launcher).runs() : store.open().list();
      if (json) {
        System.out.print(
            runs.stream()
                .map(r -> RunJson.write(r).trim())
                .collect(java.util.stream.Collectors.joining(",\n", "[", "]\n")));
        return 0;
      }
      printTable(runs);
      return 0;
    }
  }

  @Command(
      name = "rejected",
      mixinStandardHelpOptions = true,
      description =
          "List the retrain requests the launcher could not take (undecodable, or an invalid"
              + " idempotency key): where they were read, why, and their bytes as read (base64),"
              + " so they can be fixed and produced again.")
  static final class Rejected implements Callable<Integer> {
    @Mixin StoreOptions store;

    @Option(names = "--json", description = "Print them as a JSON array (bytes in base64).")
    boolean json;

    @Override
    public Integer call() throws Exception {
      List<io.driftgate.core.run.RejectedRequest> rejected =
          new io.driftgate.core.run.JdbcRejectedRequests(store.database())
              .list(store.spec().model());
      java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
      if (json) {
        List<java.util.Map<String, Object>> out = new java.util.ArrayList<>();
        for (io.driftgate.core.run.RejectedRequest r : rejected) {
          java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
          m.put("topic", r.topic());
          m.put("partition", r.partition());
          m.put("offset", r.offset());
          m.put("kind", r.kind().name());
          m.put("message", r.message());
          m.put("sourceTimestamp", r.sourceTimestamp().toString());
          m.put("rejectedAt", r.rejectedAt().toString());
          m.put("key", r.originalKey() == null ? null : b64.encodeToString(r.originalKey()));
          m.put("value", b64.encodeToString(r.originalBytes()));
          out.add(m);
        }
        System.out.println(
            new com.fasterxml.jackson.databind.ObjectMapper()
                .writerWithDefaultPrettyPrinter()
                .writeValueAsString(out));
        return 0;
      }
      if (rejected.isEmpty()) {
        System.out.println("no rejected retrain requests for " + store.spec().model());
        return 0;
      }
      System.out.printf("%-24s %-12s %-30s %s%n", "REJECTED", "KIND", "READ AT", "REASON");
      for (io.driftgate.core.run.RejectedRequest r : rejected) {
        System.out.printf(
            "%-24s %-12s %-30s %s%n",
            r.rejectedAt(),
            r.kind(),
            r.topic() + "-" + r.partition() + "@" + r.offset(),
            r.message());
      }
      return 0;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show a run: its history, handles and results.")
  static final class Show implements Callable<Integer> {
    @Mixin StoreOptions store;

    @Mixin LauncherOption launcherOption;

    @Option(names = "--json", description = "Print the stored JSON.")
    boolean json;

    @Parameters(paramLabel = "KEY", description = "The run's idempotency key.")
    String key;

    @Override
    public Integer call() {
      RetrainRun r;
      if (launcherOption.launcher != null) {
        r =
            launcherOption
                .client(launcherOption.launcher)
                .run(key)
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "no run " + key + " in the launcher at " + launcherOption.launcher))
                .run();
      } else {
        r = store.open().get(key).orElseThrow(() -> new IllegalArgumentException("no run " + key));
      }
      if (json) {
        System.out.println(RunJson.write(r));
        return 0;
      }
      System.out.printf(
          "run %s (%s): %s, attempt %d%n  request %s on [%s, %s), lake snapshot %s%n",
          r.key(),
          r.model(),
          r.state(),
          r.attempt(),
          r.request().reasons(),
          r.request().dataFrom(),
          r.request().dataTo(),
          r.request().lakeSnapshot() == null ? "not pinned yet" : r.request().lakeSnapshot());
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
        "Cancel a run that has not finished.",
        "With --launcher URL, or else when a launcher of the model published its endpoint in the"
            + " state database (a 'driftgate launcher --http-port') and answers there, the running"
            + " launcher cancels the run: it persists CANCELLED and stops the run's running step"
            + " (a local trial is interrupted, a Kubernetes Job deleted).",
        "Only when no launcher is reachable this edits the run in the state database directly: a"
            + " launcher running elsewhere finds its next change of that run refused (the run"
            + " changed under it) and goes on from CANCELLED, but a step already running is not"
            + " stopped. An explicit --launcher that does not answer is an error, not a fallback.",
        "For a launcher in Kubernetes: kubectl port-forward deploy/<release>-driftgate-launcher"
            + " 8080, then --launcher http://localhost:8080 --launcher-token-file FILE (the token"
            + " of the Secret <release>-driftgate-launcher-http, see the chart's notes)."
      })
  static final class Cancel implements Callable<Integer> {
    @Mixin StoreOptions store;

    @Mixin LauncherOption launcherOption;

    @Option(names = "--reason", description = "Why. Default: ${DEFAULT-VALUE}.")
    String reason = "cancelled by an operator (driftgate runs cancel)";

    @Parameters(paramLabel = "KEY", description = "The run's idempotency key.")
    String key;

    @Override
    public Integer call() {
      if (launcherOption.launcher != null) {
        try {
          return throughLauncher(launcherOption.client(launcherOption.launcher));
        } catch (IOException e) {
          throw new IllegalStateException(
              "no launcher answered at "
                  + launcherOption.launcher
                  + " ("
                  + e
                  + "); nothing cancelled. Is the port-forward running?");
        }
      }
      StateDatabase db = store.database();
      String model = store.spec().model();
      Optional<URI> published = LauncherHttp.publishedEndpoint(new Endpoints(db), model);
      String why;
      if (published.isPresent()) {
        try {
          return throughLauncher(launcherOption.client(published.get()));
        } catch (IOException e) {
          // A launcher that died without withdrawing its endpoint; the store is all there is.
          why =
              "the launcher of "
                  + model
                  + " published "
                  + published.get()
                  + " but nothing answered there ("
                  + e.getClass().getSimpleName()
                  + ")";
        }
      } else {
        why = "no launcher of " + model + " published an endpoint in " + db.describe();
      }
      System.out.println(
          "no running launcher reachable: "
              + why
              + "; editing the run store "
              + db.describe()
              + " only");
      return inStore(new JdbcRunStore(db));
    }

    private int throughLauncher(LauncherClient launcher) throws IOException {
      LauncherClient.Answer a = launcher.cancel(key, reason);
      switch (a.status()) {
        case 200 -> {
          RetrainRun r = a.run();
          Transition last = r.history().get(r.history().size() - 1);
          System.out.printf(
              "run %s: %s -> %s by the launcher at %s (its running step was stopped)%n",
              key, last.from(), r.state(), launcher.base());
          return 0;
        }
        case 409 -> {
          System.out.printf("run %s already finished: %s%n", key, a.run().state());
          return Main.EXIT_NEGATIVE;
        }
        case 404 ->
            throw new IllegalArgumentException(
                "no run " + key + " in the launcher at " + launcher.base());
        default -> throw launcher.refused(a);
      }
    }

    private int inStore(JdbcRunStore s) {
      RetrainRun r = s.get(key).orElseThrow(() -> new IllegalArgumentException("no run " + key));
      if (r.state().terminal()) {
        System.out.printf("run %s already finished: %s%n", key, r.state());
        return Main.EXIT_NEGATIVE;
      }
      RunMachine machine = new RunMachine(LauncherConfig.defaults().policy(), Clock.systemUTC());
      Outcome o = machine.apply(r, new RunEvent.Cancel(reason));
      try {
        s.save(o.run());
      } catch (StaleRunException e) {
        System.out.printf(
            "run %s changed while it was being cancelled (%s); nothing written, try again%n",
            key, e.getMessage());
        return Main.EXIT_NEGATIVE;
      }
      System.out.printf("run %s: %s -> %s in the run store%n", key, r.state(), o.run().state());
      if (!o.actions().isEmpty()) {
        System.out.println(
            "note: the run's current step was not stopped by this command ("
                + o.actions()
                + "); a launcher running elsewhere is not told: use --launcher URL to stop it");
      }
      return 0;
    }
  }
}
