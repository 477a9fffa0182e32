package io.driftgate.cli;

import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.spec.LauncherConfig;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.state.DatabaseLease;
import io.driftgate.core.state.Endpoints;
import io.driftgate.core.state.StateDatabase;
import io.driftgate.launcher.AssembledLauncher;
import io.driftgate.launcher.DatabaseLeaderElection;
import io.driftgate.launcher.DryRun;
import io.driftgate.launcher.KubernetesLeaderElection;
import io.driftgate.launcher.Launcher;
import io.driftgate.launcher.LauncherFactory;
import io.driftgate.launcher.LauncherHttp;
import io.driftgate.launcher.LauncherOptions;
import io.driftgate.launcher.LeaderElection;
import io.driftgate.launcher.RequestConsumer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Consumes retrain requests and drives each run to PROMOTED, REJECTED, FAILED or CANCELLED. */
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
  LeaderKind leaderElection;

  /** How launchers of one model agree on a leader. */
  enum LeaderKind {
    KUBERNETES,
    DATABASE,
    NONE
  }

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
      return run(spec, assembled);
    }
  }

  private int run(ModelSpec spec, AssembledLauncher assembled) throws Exception {
    LauncherConfig config = assembled.config();
    StateDatabase state = assembled.state();
    String topic = spec.drift().requestsTopicOr(spec.model());
    System.out.printf(
        "launcher %s (%s backend): requests from '%s' at %s, runs in %s%n",
        spec.model(),
        assembled.backendName(),
        topic,
        spec.source().kafka().bootstrapServers(),
        state.describe());
    // Ready once leading and the consumer has subscribed; the endpoint starts first so that
    // liveness answers while this launcher waits for the leadership and resumes stored runs.
    AtomicBoolean subscribed = new AtomicBoolean();
    // a standby is ready too (it is healthy and waiting): a rolling update of two replicas must
    // not wait for the standby to lead
    AtomicBoolean standingBy = new AtomicBoolean();
    AtomicBoolean lost = new AtomicBoolean();
    // /ui shows the champion's history from the registry this launcher promotes into.
    io.driftgate.core.registry.JdbcModelRegistry ledger = assembled.registry();
    // Closed in reverse: the launcher stops before the lease is released.
    try (LeaderElection election =
            leaderElection(
                spec.model(), config, state, assembled.kubernetes().orElse(null), System.getenv());
        Launcher l = assembled.launcher();
        LauncherHttp http =
            httpPort == null
                ? null
                : serve(l, () -> subscribed.get() || standingBy.get())
                    .championHistory(() -> ledger.ledger(spec.model()))) {
      System.out.println("leader election: " + election.describe());
      standingBy.set(true);
      boolean leading;
      try {
        leading = election.awaitLeadership(once ? timeout : Duration.ofDays(36_500));
      } finally {
        standingBy.set(false);
      }
      if (!leading) {
        System.out.println("not leading after " + timeout + ": " + election.describe());
        return 1;
      }
      System.out.println("leading: " + election.describe());
      if (http != null) {
        String name = http.publishEndpoint(new Endpoints(state));
        System.out.printf("http endpoint %s published as %s%n", http.localUri(), name);
      }
      try (RequestConsumer consumer =
          new RequestConsumer(
              spec.source().kafka().bootstrapServers(),
              spec.source().kafka().properties(),
              topic,
              l,
              new io.driftgate.core.run.JdbcRejectedRequests(state))) {
        election.onLost(
            () -> {
              lost.set(true);
              consumer.wakeup();
            });
        subscribed.set(true);
        l.start();
        if (once) {
          int n = consumer.drain(Duration.ofSeconds(60));
          System.out.printf("%d request(s) read; waiting for the runs to finish%n", n);
          long end = System.nanoTime() + timeout.toNanos();
          while (!l.allTerminal() && !lost.get() && System.nanoTime() < end) {
            Thread.sleep(20);
          }
          if (lost.get()) {
            return lostLeadership(election);
          }
          boolean done = l.allTerminal();
          List<RetrainRun> all = l.runs();
          RunsCommand.printTable(all);
          if (!done) {
            System.out.println("runs not finished after " + timeout);
            return 1;
          }
          return all.stream().anyMatch(r -> r.state() == io.driftgate.core.run.RunState.FAILED)
              ? 1
              : 0;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(consumer::wakeup));
        try {
          while (true) {
            consumer.pollOnce(Duration.ofSeconds(1));
          }
        } catch (org.apache.kafka.common.errors.WakeupException e) {
          return lost.get() ? lostLeadership(election) : 0;
        }
      } catch (org.apache.kafka.common.errors.WakeupException e) {
        if (lost.get()) {
          return lostLeadership(election);
        }
        throw e;
      }
    }
  }

  private static int lostLeadership(LeaderElection election) {
    System.out.println(
        "lost the leadership ("
            + election.describe()
            + "); stopping: another launcher runs the requests now");
    return 1;
  }

  /**
   * The election of {@code --leader-election}: a Lease in the launcher's namespace (kubernetes, the
   * default inside a cluster), a lease {@code launcher/<model>} in the state database (database,
   * the default elsewhere) or none.
   */
  LeaderElection leaderElection(
      String model,
      LauncherConfig config,
      StateDatabase state,
      io.fabric8.kubernetes.client.KubernetesClient client,
      Map<String, String> env) {
    LeaderKind kind =
        leaderElection != null
            ? leaderElection
            : env.get("KUBERNETES_SERVICE_HOST") != null
                ? LeaderKind.KUBERNETES
                : LeaderKind.DATABASE;
    switch (kind) {
      case NONE:
        return LeaderElection.alone();
      case DATABASE:
        return new DatabaseLeaderElection(
            new DatabaseLease(
                state,
                Endpoints.launcher(model),
                DatabaseLeaderElection.processHolder(),
                leaseTtl));
      case KUBERNETES:
        String ns =
            env.get("POD_NAMESPACE") != null && !env.get("POD_NAMESPACE").isBlank()
                ? env.get("POD_NAMESPACE")
                : config.namespace();
        return new KubernetesLeaderElection(
            client != null
                ? client
                : new io.fabric8.kubernetes.client.KubernetesClientBuilder().build(),
            ns,
            leaseName != null ? leaseName : "driftgate-launcher-" + model,
            KubernetesLeaderElection.defaultIdentity(env),
            leaseDuration,
            renewDeadline,
            retryPeriod);
      default:
        throw new IllegalArgumentException(
            "--leader-election: \"" + kind + "\" is not kubernetes, database or none");
    }
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
