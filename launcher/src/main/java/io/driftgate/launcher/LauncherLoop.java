package io.driftgate.launcher;

import io.driftgate.core.run.JdbcRejectedRequests;
import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunState;
import io.driftgate.core.spec.LauncherConfig;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.state.DatabaseLease;
import io.driftgate.core.state.Endpoints;
import io.driftgate.core.state.StateDatabase;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The launcher's run loop ({@code driftgate launcher}): serves the HTTP endpoint, waits for the
 * leadership, then consumes the model's retrain requests and drives their runs, until stopped or
 * the leadership is lost; with {@link Builder#once} it drains the topic, waits for those runs and
 * returns. Build it with {@link #builder()} and run it on an {@link AssembledLauncher} ({@link
 * LauncherFactory#assemble}); the CLI only parses options into both.
 */
public final class LauncherLoop {
  /** How launchers of one model agree on a leader. */
  public enum LeaderKind {
    KUBERNETES,
    DATABASE,
    NONE
  }

  /** Starts the HTTP endpoint of a launcher; {@code ready} answers {@code /readyz}. */
  @FunctionalInterface
  public interface HttpStarter {
    LauncherHttp start(Launcher launcher, BooleanSupplier ready) throws IOException;
  }

  private final boolean once;
  private final Duration timeout;
  private final LeaderKind leaderKind;
  private final Duration leaseTtl;
  private final String leaseName;
  private final Duration leaseDuration;
  private final Duration renewDeadline;
  private final Duration retryPeriod;
  private final HttpStarter http;
  private final Consumer<List<RetrainRun>> runsTable;
  private final PrintStream out;
  private final Map<String, String> env;

  private LauncherLoop(Builder b) {
    this.once = b.once;
    this.timeout = b.timeout;
    this.leaderKind = b.leaderKind;
    this.leaseTtl = b.leaseTtl;
    this.leaseName = b.leaseName;
    this.leaseDuration = b.leaseDuration;
    this.renewDeadline = b.renewDeadline;
    this.retryPeriod = b.retryPeriod;
    this.http = b.http;
    this.runsTable = b.runsTable;
    this.out = b.out;
    this.env = b.env;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs the loop on {@code assembled}'s launcher; returns the exit status: 0 when stopped (or,
   * with {@code once}, when no drained run FAILED), 1 when not leading within the timeout ({@code
   * once}), when the leadership was lost, or when a run FAILED or did not finish.
   */
  public int run(ModelSpec spec, AssembledLauncher assembled) throws Exception {
    LauncherConfig config = assembled.config();
    StateDatabase state = assembled.state();
    String topic = spec.drift().requestsTopicOr(spec.model());
    out.printf(
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
            leaderElection(spec.model(), config, state, assembled.kubernetes().orElse(null));
        Launcher l = assembled.launcher();
        LauncherHttp endpoint =
            http == null
                ? null
                : http.start(l, () -> subscribed.get() || standingBy.get())
                    .championHistory(() -> ledger.ledger(spec.model()))) {
      out.println("leader election: " + election.describe());
      standingBy.set(true);
      boolean leading;
      try {
        leading = election.awaitLeadership(once ? timeout : Duration.ofDays(36_500));
      } finally {
        standingBy.set(false);
      }
      if (!leading) {
        out.println("not leading after " + timeout + ": " + election.describe());
        return 1;
      }
      out.println("leading: " + election.describe());
      if (endpoint != null) {
        String name = endpoint.publishEndpoint(new Endpoints(state));
        out.printf("http endpoint %s published as %s%n", endpoint.localUri(), name);
      }
      try (RequestConsumer consumer =
          new RequestConsumer(
              spec.source().kafka().bootstrapServers(),
              spec.source().kafka().properties(),
              topic,
              l,
              new JdbcRejectedRequests(state))) {
        election.onLost(
            () -> {
              lost.set(true);
              consumer.wakeup();
            });
        subscribed.set(true);
        l.start();
        if (once) {
          return drainOnce(l, consumer, lost, election);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(consumer::wakeup));
        try {
          while (true) {
            consumer.pollOnce(Duration.ofSeconds(1));
          }
        } catch (WakeupException e) {
          return lost.get() ? lostLeadership(election) : 0;
        }
      } catch (WakeupException e) {
        if (lost.get()) {
          return lostLeadership(election);
        }
        throw e;
      }
    }
  }

  private int drainOnce(
      Launcher l, RequestConsumer consumer, AtomicBoolean lost, LeaderElection election)
      throws InterruptedException {
    int n = consumer.drain(Duration.ofSeconds(60));
    out.printf("%d request(s) read; waiting for the runs to finish%n", n);
    long end = System.nanoTime() + timeout.toNanos();
    while (!l.allTerminal() && !lost.get() && System.nanoTime() < end) {
      Thread.sleep(20);
    }
    if (lost.get()) {
      return lostLeadership(election);
    }
    boolean done = l.allTerminal();
    List<RetrainRun> all = l.runs();
    runsTable.accept(all);
    if (!done) {
      out.println("runs not finished after " + timeout);
      return 1;
    }
    return all.stream().anyMatch(r -> r.state() == RunState.FAILED) ? 1 : 0;
  }

  private int lostLeadership(LeaderElection election) {
    out.println(
        "lost the leadership ("
            + election.describe()
            + "); stopping: another launcher runs the requests now");
    return 1;
  }

  /**
   * The election of {@link Builder#leaderKind}: a Lease in the launcher's namespace (kubernetes,
   * the default inside a cluster, i.e. where {@code KUBERNETES_SERVICE_HOST} is set), a lease
   * {@code launcher/<model>} in the state database (database, the default elsewhere) or none.
   *
   * @param client the Kubernetes client for the Lease; null: an in-cluster (or kubeconfig) one
   */
  public LeaderElection leaderElection(
      String model, LauncherConfig config, StateDatabase state, KubernetesClient client) {
    LeaderKind kind =
        leaderKind != null
            ? leaderKind
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
            client != null ? client : new KubernetesClientBuilder().build(),
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

  /** Options of the loop; every one optional (the defaults are {@code driftgate launcher}'s). */
  public static final class Builder {
    private boolean once;
    private Duration timeout = Duration.ofHours(6);
    private LeaderKind leaderKind;
    private Duration leaseTtl = DatabaseLeaderElection.DEFAULT_TTL;
    private String leaseName;
    private Duration leaseDuration = KubernetesLeaderElection.DEFAULT_LEASE_DURATION;
    private Duration renewDeadline = KubernetesLeaderElection.DEFAULT_RENEW_DEADLINE;
    private Duration retryPeriod = KubernetesLeaderElection.DEFAULT_RETRY_PERIOD;
    private HttpStarter http;
    private Consumer<List<RetrainRun>> runsTable = runs -> {};
    private PrintStream out = System.out;
    private Map<String, String> env = System.getenv();

    private Builder() {}

    /** Drain the topic, wait (up to {@link #optTimeout}) for those runs, return. */
    public Builder optOnce(boolean once) {
      this.once = once;
      return this;
    }

    /** With once: the longest wait for the leadership and for the runs. Default 6 h. */
    public Builder optTimeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** The election; null: kubernetes inside a cluster, else database. */
    public Builder optLeaderKind(LeaderKind kind) {
      this.leaderKind = kind;
      return this;
    }

    /** Database election: how long the lease holds without a renewal. */
    public Builder optLeaseTtl(Duration ttl) {
      this.leaseTtl = Objects.requireNonNull(ttl, "leaseTtl");
      return this;
    }

    /** Kubernetes election: the Lease's name; null: {@code driftgate-launcher-<model>}. */
    public Builder optLeaseName(String name) {
      this.leaseName = name;
      return this;
    }

    /** Kubernetes election: Lease duration, renew deadline and retry period. */
    public Builder optLeaseTiming(
        Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
      this.leaseDuration = Objects.requireNonNull(leaseDuration, "leaseDuration");
      this.renewDeadline = Objects.requireNonNull(renewDeadline, "renewDeadline");
      this.retryPeriod = Objects.requireNonNull(retryPeriod, "retryPeriod");
      return this;
    }

    /** Serves the HTTP endpoint through {@code http}; none when not called. */
    public Builder optHttp(HttpStarter http) {
      this.http = http;
      return this;
    }

    /** With once: shows the runs once they finished (or the wait ended), before the verdict. */
    public Builder optRunsTable(Consumer<List<RetrainRun>> runsTable) {
      this.runsTable = Objects.requireNonNull(runsTable, "runsTable");
      return this;
    }

    /** Where the loop reports; default standard output. */
    public Builder optOut(PrintStream out) {
      this.out = Objects.requireNonNull(out, "out");
      return this;
    }

    /** The environment the election reads (KUBERNETES_SERVICE_HOST, POD_NAMESPACE, POD_NAME). */
    public Builder optEnv(Map<String, String> env) {
      this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
      return this;
    }

    public LauncherLoop build() {
      return new LauncherLoop(this);
    }
  }
}
