package io.driftgate.core.policy;

import io.driftgate.core.run.IdempotencyKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Decides when to retrain, from drift windows replayed in event-time order. Pure and deterministic:
 * it never reads the wall clock, so replaying the same events yields equal decisions and
 * idempotency keys. Not thread-safe.
 *
 * <h2>Rules, per model, on each {@link #onWindow window}</h2>
 *
 * <ol>
 *   <li>A window whose end is not after the latest seen end is a duplicate or late: ignored
 *       (returns empty, state unchanged). A gap (start after the previous end) resets the streaks.
 *   <li>Triggers: {@link RetrainReason#DRIFT} when the last k windows all had {@code driftedShare
 *       >= threshold}; {@link RetrainReason#CRITICAL_FEATURE_DRIFT} when the last k windows all had
 *       a critical feature drifted; {@link RetrainReason#VOLUME} when the valid records since the
 *       latest request reach {@code minNewRecords}; {@link RetrainReason#MAX_AGE} when {@code
 *       windowEnd - anchor >= maxAge}, anchor being the latest run start or request, else the first
 *       window start; {@link RetrainReason#PERFORMANCE_DRIFT} when the window carries performance
 *       evidence (a detector on the champion's labelled errors fired; the detector is its own
 *       hysteresis, so one window suffices).
 *   <li>If something triggered: {@link SuppressionReason#MAX_IN_FLIGHT} when {@code maxInFlight}
 *       requests are in flight, else {@link SuppressionReason#COOLDOWN} when {@code windowEnd <
 *       lastRunStart + cooldown}. A suppressed decision is returned with {@code suppressedBy} set
 *       and changes nothing, so the trigger is re-evaluated on the next window.
 *   <li>A request (not suppressed) is in flight until {@link #onRunFinished}; it resets the streaks
 *       and the record count, and moves the data range start and the age anchor to its end.
 * </ol>
 *
 * Run events carry a time on the same clock as window times (e.g. the orchestrator records them
 * with the event time it acted on); they are replayed like windows.
 */
public final class RetrainPolicy {
  private final PolicyConfig config;
  private final Map<String, ModelRuntime> models = new TreeMap<>();

  /** A policy with no history. */
  public RetrainPolicy(PolicyConfig config) {
    this(config, PolicyState.empty());
  }

  /** A policy resuming from exported state. */
  public RetrainPolicy(PolicyConfig config, PolicyState state) {
    this.config = Objects.requireNonNull(config, "config");
    state.models().forEach((name, s) -> models.put(name, ModelRuntime.from(s)));
  }

  public PolicyConfig config() {
    return config;
  }

  /** Processes one window; returns a (possibly suppressed) decision when a trigger fired. */
  public Optional<RetrainDecision> onWindow(WindowObservation obs) {
    ModelRuntime m = models.computeIfAbsent(obs.modelName(), n -> new ModelRuntime());
    if (m.lastWindowEnd != null && !obs.windowEnd().isAfter(m.lastWindowEnd)) {
      return Optional.empty();
    }
    if (m.firstWindowStart == null) {
      m.firstWindowStart = obs.windowStart();
    }
    if (m.lastWindowEnd != null && obs.windowStart().isAfter(m.lastWindowEnd)) {
      m.driftStreak = 0;
      m.criticalStreak = 0;
      m.recentReportIds.clear();
    }
    m.lastWindowEnd = obs.windowEnd();
    int k = config.consecutiveWindows();
    m.recentReportIds.add(obs.reportId());
    while (m.recentReportIds.size() > k) {
      m.recentReportIds.remove(0);
    }
    m.recordsSinceLastRequest += obs.validRecords();
    m.driftStreak = obs.driftedShare() >= config.driftedShareThreshold() ? m.driftStreak + 1 : 0;
    boolean critical = obs.driftedFeatures().stream().anyMatch(config.criticalFeatures()::contains);
    m.criticalStreak = critical ? m.criticalStreak + 1 : 0;

    EnumSet<RetrainReason> reasons = EnumSet.noneOf(RetrainReason.class);
    if (m.driftStreak >= k) {
      reasons.add(RetrainReason.DRIFT);
    }
    if (m.criticalStreak >= k) {
      reasons.add(RetrainReason.CRITICAL_FEATURE_DRIFT);
    }
    if (config.minNewRecords() > 0 && m.recordsSinceLastRequest >= config.minNewRecords()) {
      reasons.add(RetrainReason.VOLUME);
    }
    Instant anchor = m.ageAnchor != null ? m.ageAnchor : m.firstWindowStart;
    if (config.maxAge() != null
        && Duration.between(anchor, obs.windowEnd()).compareTo(config.maxAge()) >= 0) {
      reasons.add(RetrainReason.MAX_AGE);
    }
    if (obs.performance() != null) {
      reasons.add(RetrainReason.PERFORMANCE_DRIFT);
    }
    if (reasons.isEmpty()) {
      return Optional.empty();
    }
    boolean driftReason =
        reasons.contains(RetrainReason.DRIFT)
            || reasons.contains(RetrainReason.CRITICAL_FEATURE_DRIFT);
    List<String> evidence =
        new ArrayList<>(driftReason ? m.recentReportIds : List.of(obs.reportId()));
    if (obs.performance() != null) {
      evidence.add(obs.performance().id());
    }
    evidence = List.copyOf(evidence);
    Instant from = m.trainedUntil != null ? m.trainedUntil : m.firstWindowStart;
    Instant to = obs.windowEnd();
    String key = idempotencyKey(obs.modelName(), to, reasons);
    SuppressionReason suppressed = null;
    if (m.inFlight.size() >= config.maxInFlight()) {
      suppressed = SuppressionReason.MAX_IN_FLIGHT;
    } else if (m.lastRunStart != null && to.isBefore(m.lastRunStart.plus(config.cooldown()))) {
      suppressed = SuppressionReason.COOLDOWN;
    }
    RetrainDecision d =
        new RetrainDecision(
            obs.modelName(),
            key,
            to,
            List.copyOf(reasons),
            evidence,
            from,
            to,
            m.recordsSinceLastRequest,
            suppressed);
    if (suppressed == null) {
      m.inFlight.put(key, null);
      m.trainedUntil = to;
      m.ageAnchor = max(m.ageAnchor, to);
      m.recordsSinceLastRequest = 0;
      m.driftStreak = 0;
      m.criticalStreak = 0;
      m.recentReportIds.clear();
    }
    return Optional.of(d);
  }

  /**
   * Records that the run for {@code key} started at {@code time} (starts the cooldown, resets the
   * age anchor). Returns false (and changes nothing) for an unknown or finished key.
   */
  public boolean onRunStarted(String key, Instant time) {
    Objects.requireNonNull(time, "time");
    for (ModelRuntime m : models.values()) {
      if (m.inFlight.containsKey(key)) {
        if (m.inFlight.get(key) == null) {
          m.inFlight.put(key, time);
        }
        m.lastRunStart = max(m.lastRunStart, time);
        m.ageAnchor = max(m.ageAnchor, time);
        return true;
      }
    }
    return false;
  }

  /**
   * Records that the run for {@code key} ended (succeeded, failed, or was abandoned without
   * starting), freeing its in-flight slot. Returns false for an unknown or finished key.
   */
  public boolean onRunFinished(String key, Instant time) {
    Objects.requireNonNull(time, "time");
    for (ModelRuntime m : models.values()) {
      if (m.inFlight.containsKey(key)) {
        m.inFlight.remove(key);
        return true;
      }
    }
    return false;
  }

  /** Keys of the model's requests in flight, oldest first. */
  public List<String> inFlight(String modelName) {
    ModelRuntime m = models.get(modelName);
    return m == null ? List.of() : List.copyOf(m.inFlight.keySet());
  }

  /** A snapshot of the whole state; {@code new RetrainPolicy(config, exportState())} resumes. */
  public PolicyState exportState() {
    Map<String, PolicyState.ModelState> out = new TreeMap<>();
    models.forEach((name, m) -> out.put(name, m.export()));
    return new PolicyState(out);
  }

  /**
   * {@code hex(sha256(model + "|" + windowEnd + "|" + sortedReasons))}, first 32 characters; {@code
   * windowEnd} in ISO-8601 ({@link Instant#toString()}), reasons sorted by name and joined with
   * ",".
   */
  public static String idempotencyKey(
      String modelName, Instant triggerWindowEnd, Iterable<RetrainReason> reasons) {
    List<String> names = new ArrayList<>();
    reasons.forEach(r -> names.add(r.name()));
    String joined = names.stream().sorted().collect(Collectors.joining(","));
    return IdempotencyKey.derive(modelName, String.valueOf(triggerWindowEnd), joined);
  }

  private static Instant max(Instant a, Instant b) {
    return a == null || b.isAfter(a) ? b : a;
  }

  private static final class ModelRuntime {
    Instant firstWindowStart;
    Instant lastWindowEnd;
    Instant trainedUntil;
    Instant ageAnchor;
    Instant lastRunStart;
    long recordsSinceLastRequest;
    int driftStreak;
    int criticalStreak;
    final List<String> recentReportIds = new ArrayList<>();
    final LinkedHashMap<String, Instant> inFlight = new LinkedHashMap<>();

    PolicyState.ModelState export() {
      List<PolicyState.InFlightRun> runs = new ArrayList<>();
      inFlight.forEach((k, v) -> runs.add(new PolicyState.InFlightRun(k, str(v))));
      return new PolicyState.ModelState(
          str(firstWindowStart),
          str(lastWindowEnd),
          str(trainedUntil),
          str(ageAnchor),
          str(lastRunStart),
          recordsSinceLastRequest,
          driftStreak,
          criticalStreak,
          recentReportIds,
          runs);
    }

    static ModelRuntime from(PolicyState.ModelState s) {
      ModelRuntime m = new ModelRuntime();
      m.firstWindowStart = inst(s.firstWindowStart());
      m.lastWindowEnd = inst(s.lastWindowEnd());
      m.trainedUntil = inst(s.trainedUntil());
      m.ageAnchor = inst(s.ageAnchor());
      m.lastRunStart = inst(s.lastRunStart());
      m.recordsSinceLastRequest = s.recordsSinceLastRequest();
      m.driftStreak = s.driftStreak();
      m.criticalStreak = s.criticalStreak();
      m.recentReportIds.addAll(s.recentReportIds());
      for (PolicyState.InFlightRun r : s.inFlight()) {
        m.inFlight.put(r.key(), inst(r.startedAt()));
      }
      return m;
    }

    private static String str(Instant i) {
      return i == null ? null : i.toString();
    }

    private static Instant inst(String s) {
      return s == null ? null : Instant.parse(s);
    }
  }
}
