package io.driftgate.cli;

import io.driftgate.core.spec.LauncherConfig;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.launcher.AssembledLauncher;
import io.driftgate.launcher.DatabaseLeaderElection;
import io.driftgate.launcher.DryRun;
import io.driftgate.launcher.Launcher;
import io.driftgate.launcher.LauncherFactory;
import io.driftgate.launcher.LauncherHttp;
import io.driftgate.launcher.LauncherLoop;
import io.driftgate.launcher.LauncherOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Consumes retrain requests and drives each run to PROMOTED, REJECTED, FAILED or CANCELLED: parses
 * the options into {@link LauncherOptions} (assembly) and a {@link LauncherLoop} (the run loop).
 */
@Command(
    name = "launcher",
    mixinStandardHelpOptions = true,
    description = {
      "Consume RetrainRequests from the spec's requests topic and drive each run (tuning study,"
          + " best model, gate) on the local or Kubernetes backend; runs are persisted in the"
          + " state database (the spec's state.database, by default the lake catalog's database)"
          + " and resumed on restart.",
      "Launchers of one model elect a leader: one runs requests, the others wait and take over"
          + " the in-flight runs from the state database once it stops. In Kubernetes"
          + " (--leader-election=kubernetes, the default there) on a coordination.k8s.io Lease"
          + " (a dead leader is replaced within --lease-duration); elsewhere through a lease in"
          + " the state database (within --lease-ttl).",
      "The kubernetes and katib backends' Jobs get no database: they read the run's lake"
          + " snapshot from its metadata file and leave studies, models and gate decisions in the"
          + " artifact store (state.artifacts); this launcher registers the challengers and moves"
          + " the aliases.",
      "Every run reads one lake snapshot: the request's, else the newest one that covers its"
          + " range, waited for (up to 10m) while the lake trails the drift monitor; the snapshot"
          + " of a promoted model is tagged so that 'driftgate lake maintain' keeps it.",
      "--once: drain the topic, wait for those runs to finish, exit (0 when none FAILED).",
      "--dry-run (kubernetes, katib): print the Job (katib: Experiment and best-model Job) YAML"
          + " for the monitor's retrain requests in the state database, touching neither Kafka"
          + " nor a cluster.",
      "--http-port: serve GET /healthz, /readyz, /runs, /runs/{key} and POST"
          + " /runs/{key}/cancel, and (while leading) publish the endpoint in the state database"
          + " for 'driftgate runs cancel'. It binds 127.0.0.1 unless --listen says otherwise;"
          + " --http-token-file and/or --http-token-review require a bearer token on /runs (the"
          + " probes stay open), and a cancel from a browser on another site is refused."
    })
final class LauncherCommand implements Callable<Integer> {
  @Mixin SpecOption specOption;

  @Mixin GateCommand.RegistryOptions registryOptions;

  @Option(
      names = "--backend",
      completionCandidates = CliEnums.Backends.class,
      description = "${COMPLETION-CANDIDATES}. Default: the spec's launcher.backend (local).")
  LauncherConfig.Backend backend;

  @Option(
      names = "--kubernetes",
      description = "Same as --backend kubernetes.",
      defaultValue = "false")
  boolean kubernetes;

  @Option(names = "--runs-dir", hidden = true, description = "Gone: runs are in the database.")
  Path runsDir;

  @Option(
      names = "--lease-ttl",
      description =
          "Leader election outside Kubernetes: how long the leader's lease in the state database"
              + " holds without a renewal (a crashed leader is replaced within it). Default:"
              + " ${DEFAULT-VALUE}.")
  Duration leaseTtl = DatabaseLeaderElection.DEFAULT_TTL;

  @Option(
      names = "--leader-election",
      paramLabel = "KIND",
      completionCandidates = CliEnums.LeaderKinds.class,
      description =
          "kubernetes (a Lease in the launcher's namespace, fabric8 LeaderElector), database (a"
              + " lease in the state database) or none (this launcher always leads). Default:"
              + " kubernetes inside a cluster, else database.")
  LauncherLoop.LeaderKind leaderElection;

  @Option(
      names = "--lease-name",
      description =
          "--leader-election=kubernetes: the Lease's name. Default: driftgate-launcher-<model>.")
  String leaseName;

  @Option(
      names = "--lease-duration",
      description =
          "--leader-election=kubernetes: how long the Lease holds without renewal (whole"
              + " seconds). Default: ${DEFAULT-VALUE}.")
  Duration leaseDuration = io.driftgate.launcher.KubernetesLeaderElection.DEFAULT_LEASE_DURATION;

  @Option(
      names = "--renew-deadline",
      description =
          "--leader-election=kubernetes: a leader that cannot renew for this long stops."
              + " Default: ${DEFAULT-VALUE}.")
  Duration renewDeadline = io.driftgate.launcher.KubernetesLeaderElection.DEFAULT_RENEW_DEADLINE;

  @Option(
      names = "--retry-period",
      description =
          "--leader-election=kubernetes: how often candidates try and the leader renews."
              + " Default: ${DEFAULT-VALUE}.")
  Duration retryPeriod = io.driftgate.launcher.KubernetesLeaderElection.DEFAULT_RETRY_PERIOD;

  @Option(
      names = "--studies-dir",
      description = "Local backend: tuning studies. Default: 'studies' next to the registry.")
  Path studiesDir;

  @Option(names = "--once", description = "Drain the topic, finish those runs, exit.")
  boolean once;

  @Option(names = "--dry-run", description = "Print what would be created; run nothing.")
  boolean dryRun;

  @Option(
      names = "--grid",
      paramLabel = "k=v1,v2,...",
      description =
          "Local backend: searched parameter (repeatable). Default: the spec's launcher.grid"
              + " (lr x momentum 2x2).")
  List<String> grid = new java.util.ArrayList<>();

  @Option(
      names = "--param",
      description =
          "Local backend: training parameter of every trial, e.g. epochs=5 (over the spec's"
              + " launcher.params).")
  Map<String, String> params = new LinkedHashMap<>();

  @Option(names = "--parallelism", description = "Local backend: trials at once (default: spec).")
  Integer parallelism;

  @Option(names = "--seed", description = "Study and gate seed. Default: ${DEFAULT-VALUE}.")
  long seed = 42;

  @Option(
      names = "--timeout",
      description = "--once: longest to wait for the runs. Default: ${DEFAULT-VALUE}.")
  Duration timeout = Duration.ofHours(6);

  @Option(
      names = "--http-port",
      paramLabel = "PORT",
      description =
          "Serve the HTTP endpoint (probes, runs, cancel) on this port; 0: any free port."
              + " Default: off.")
  Integer httpPort;

  @Mixin LauncherHttpOptions httpOptions;

  @Override
  public Integer call() throws Exception {
    RunsCommand.legacyRunsDir(runsDir);
    ModelSpec spec = specOption.load();
    LauncherConfig.Backend chosen = kubernetes ? LauncherConfig.Backend.KUBERNETES : backend;
    if (dryRun) {
      return DryRun.print(
          spec,
          LauncherFactory.config(LauncherOptions.builder(specOption.spec).backend(chosen).build()),
          System.out);
    }
    // Studies and gate reports of the local backend default to siblings of --registry, else of
    // 'registry' next to the lake; the registry itself is the spec's state database and artifact
    // store unless --registry names a standalone one.
    Path registry = registryOptions.root(spec);
    LauncherOptions options =
        LauncherOptions.builder(specOption.spec)
            .spec(spec)
            .backend(chosen)
            .registry(registryOptions.open(spec))
            .localDirs(
                studiesDir != null ? studiesDir : registry.resolveSibling("studies"),
                registry.resolveSibling("gate-reports"))
            .grid(grid.isEmpty() ? Map.of() : grid(grid))
            .params(params)
            .parallelism(parallelism)
            .seed(seed)
            .build();
    try (AssembledLauncher assembled = LauncherFactory.create().assemble(options)) {
      return loop().run(spec, assembled);
    }
  }

  /** The run loop these options configure. */
  LauncherLoop loop() {
    return LauncherLoop.builder()
        .optOnce(once)
        .optTimeout(timeout)
        .optLeaderKind(leaderElection)
        .optLeaseTtl(leaseTtl)
        .optLeaseName(leaseName)
        .optLeaseTiming(leaseDuration, renewDeadline, retryPeriod)
        .optHttp(httpPort == null ? null : this::serve)
        .optRunsTable(RunsCommand::printTable)
        .build();
  }

  private LauncherHttp serve(Launcher l, java.util.function.BooleanSupplier ready)
      throws IOException {
    LauncherHttp http = httpOptions.start(l, httpPort, ready);
    System.out.printf(
        "http endpoint on %s:%d (%s)%n", httpOptions.host, http.port(), http.localUri());
    return http;
  }

  static Map<String, List<String>> grid(List<String> specs) {
    return io.driftgate.core.spec.GridParser.fromArgs("--grid", specs);
  }
}
