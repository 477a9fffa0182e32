package io.driftgate.launcher;

import io.driftgate.core.gate.Gate;
import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The launcher's meters, all named here (README "Metrics" lists them as Prometheus sees them: dots
 * become underscores, counters end in {@code _total}, timers in {@code _seconds}). Every meter
 * carries {@code model}; no meter is tagged with a run key, so the series stay few however many
 * runs there are.
 */
public final class LauncherMetrics {
  /** Gauge: runs of the model in each {@link RunState} (tag {@code state}). */
  public static final String RUNS = "driftgate.launcher.runs";

  /**
   * Timer: how long a run spent in a step's state (tags {@code step}: tune, train, gate; {@code
   * outcome}: succeeded, failed, cancelled), retries of the step included.
   */
  public static final String STEP_DURATION = "driftgate.launcher.step.duration";

  /**
   * Counter: gate decisions (tags {@code decision}: promoted, rejected; {@code check}: the first
   * failing check of a rejection, {@code none} for a promotion, {@code other} when the reason names
   * no known check).
   */
  public static final String GATE_DECISIONS = "driftgate.launcher.gate.decisions";

  /**
   * Counter: retrain requests that reached the launcher (tag {@code result}: accepted, duplicate,
   * other-model).
   */
  public static final String REQUESTS_CONSUMED = "driftgate.launcher.requests.consumed";

  /**
   * Counter: records that were no retrain request, kept as dead letters (tag {@code reason}:
   * undecodable, invalid-key).
   */
  public static final String REQUESTS_REJECTED = "driftgate.launcher.requests.rejected";

  /** Counter: Kubernetes API calls that failed (tag {@code operation}: create, list, delete). */
  public static final String KUBERNETES_API_ERRORS = "driftgate.launcher.kubernetes.api.errors";

  /** Every meter name above, for checks that a dashboard queries only what exists. */
  public static final List<String> NAMES =
      List.of(
          RUNS,
          STEP_DURATION,
          GATE_DECISIONS,
          REQUESTS_CONSUMED,
          REQUESTS_REJECTED,
          KUBERNETES_API_ERRORS);

  /** The Prometheus text format's content type (version 0.0.4). */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final List<String> CHECKS =
      List.of(
          Gate.ADDITIVITY,
          Gate.FORBIDDEN_FEATURES,
          Gate.RANK_STABILITY,
          Gate.SEED_STABILITY,
          Gate.CHAMPION_CHALLENGER,
          Gate.FLOORS);

  /** A failed check in a gate reason, as {@code CheckResult.reason()} writes it. */
  private static final Pattern FAILED_CHECK = Pattern.compile("\\bFAIL ([a-z-]+):");

  private final PrometheusMeterRegistry registry;
  private final String model;

  /** The state of every run of the model, kept by the launcher thread; read by the gauges. */
  private final Map<String, RunState> states = new ConcurrentHashMap<>();

  public LauncherMetrics(String model) {
    this.model = Objects.requireNonNull(model, "model");
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("model", model);
    for (RunState s : RunState.values()) {
      Gauge.builder(RUNS, states, m -> count(m, s))
          .description("Runs of the model in each state")
          .tag("state", s.name())
          .register(registry);
    }
    // Counters exist at 0 from the start: a rate over a series that appears later misses its
    // first increment.
    for (Consumed c : Consumed.values()) {
      consumedCounter(c);
    }
    for (String reason : List.of(REJECTED_UNDECODABLE, REJECTED_INVALID_KEY)) {
      rejectedCounter(reason);
    }
  }

  private static double count(Map<String, RunState> states, RunState s) {
    return states.values().stream().filter(s::equals).count();
  }

  public String model() {
    return model;
  }

  /** The registry, e.g. to bind JVM meters to it. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Every meter in the Prometheus text format. */
  public String scrape() {
    return registry.scrape();
  }

  /** Records the state a run is in now (the launcher thread, after every persisted change). */
  void runState(String key, RunState state) {
    states.put(key, state);
  }

  /**
   * A run moved from {@code before} to {@code after}: when it left a step's state, the time it
   * spent there.
   */
  void transition(RetrainRun before, RetrainRun after) {
    runState(after.key(), after.state());
    if (before.state() == after.state()) {
      return;
    }
    String step = stepOf(before.state());
    if (step == null) {
      return;
    }
    Duration spent = Duration.between(before.stateEnteredAt(), after.stateEnteredAt());
    Timer.builder(STEP_DURATION)
        .description("Time a run spent in a step's state, retries included")
        .tag("step", step)
        .tag("outcome", outcome(after.state()))
        .register(registry)
        .record(spent.isNegative() ? Duration.ZERO : spent);
  }

  /** The step label of a state that runs one, else null. */
  static String stepOf(RunState s) {
    return switch (s) {
      case TUNING -> "tune";
      case TRAINING_BEST -> "train";
      case GATING -> "gate";
      default -> null;
    };
  }

  private static String outcome(RunState next) {
    return switch (next) {
      case FAILED -> "failed";
      case CANCELLED -> "cancelled";
      default -> "succeeded"; // the next step's state, or the gate's verdict
    };
  }

  /** A gate decision with its reason (which names the checks that failed). */
  void gateDecided(boolean promoted, String reason) {
    Counter.builder(GATE_DECISIONS)
        .description("Gate decisions, with the first failing check of a rejection")
        .tag("decision", promoted ? "promoted" : "rejected")
        .tag("check", promoted ? "none" : failedCheck(reason))
        .register(registry)
        .increment();
  }

  /** The first known check that {@code reason} reports failed, else {@code other}. */
  static String failedCheck(String reason) {
    if (reason != null) {
      Matcher m = FAILED_CHECK.matcher(reason);
      while (m.find()) {
        if (CHECKS.contains(m.group(1))) {
          return m.group(1);
        }
      }
    }
    return "other";
  }

  /** Result of {@link Launcher#accept}: a retrain request reached the launcher. */
  enum Consumed {
    ACCEPTED,
    DUPLICATE,
    OTHER_MODEL;

    String tag() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  void requestConsumed(Consumed result) {
    consumedCounter(result).increment();
  }

  private Counter consumedCounter(Consumed result) {
    return Counter.builder(REQUESTS_CONSUMED)
        .description("Retrain requests that reached the launcher")
        .tag("result", result.tag())
        .register(registry);
  }

  /** Reason of a record that is not a retrain request (its bytes are no Avro request). */
  static final String REJECTED_UNDECODABLE = "undecodable";

  /** Reason of a request whose idempotency key is not a key. */
  static final String REJECTED_INVALID_KEY = "invalid-key";

  /** A record that is no request, with why ({@link #REJECTED_UNDECODABLE}, ...). */
  void requestRejected(String reason) {
    rejectedCounter(reason).increment();
  }

  private Counter rejectedCounter(String reason) {
    return Counter.builder(REQUESTS_REJECTED)
        .description("Records that were no retrain request (dead letters)")
        .tag("reason", reason)
        .register(registry);
  }

  /** A run this launcher no longer holds. */
  void forget(String key) {
    states.remove(key);
  }

  /** A Kubernetes API call failed ({@code create}, {@code list}, {@code delete}). */
  public void kubernetesApiError(String operation) {
    Counter.builder(KUBERNETES_API_ERRORS)
        .description("Kubernetes API calls that failed")
        .tag("operation", operation)
        .register(registry)
        .increment();
  }
}
