package io.driftgate.core.policy;

import io.driftgate.core.performance.PerformanceEvidence;
import io.driftgate.core.run.FinishedRuns;
import io.driftgate.core.run.IdempotencyKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
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
 *       window start; {@link RetrainReason#PERFORMANCE_DRIFT} when a performance alarm is held (a
 *       detector on the champion's labelled errors fired: the window's evidence, or {@link
 *       #holdPerformance}; the detector is its own hysteresis) and it is ripe: the window ends at
 *       or after the alarm's {@code notBefore}, and windows that start at or after the change point
 *       have brought {@code minRecordsAfterChange} valid records since it was held.
 *   <li>If something triggered: {@link SuppressionReason#MAX_IN_FLIGHT} when {@code maxInFlight}
 *       requests are in flight, else {@link SuppressionReason#COOLDOWN} when {@code windowEnd <
 *       max(lastRunStart, lastRunFinish) + cooldown}. A suppressed decision is returned with {@code
 *       suppressedBy} set and changes nothing (a held performance alarm stays held), so the trigger
 *       is re-evaluated on the next window.
 *   <li>A request (not suppressed) is in flight until {@link #onRunFinished}; it resets the streaks
 *       and the record count, and moves the data range start and the age anchor to its end. Its
 *       range starts where the previous request's ended, or, with PERFORMANCE_DRIFT, at the alarm's
 *       change point (the old regime's rows would teach the old relation); it releases the alarm.
 * </ol>
 *
 * Run events carry a time on the same clock as window times (e.g. the orchestrator records them
 * with the event time it acted on); they are replayed like windows. A long-running monitor learns
 * of finished runs through {@link #releaseFinished}.
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
      hold(m, obs.performance(), obs.windowEnd());
    }
    if (m.pending != null && !obs.windowStart().isBefore(m.pending.changePoint())) {
      m.pendingRecords += obs.validRecords();
    }
    PerformanceEvidence ripe =
        m.pending != null
                && !obs.windowEnd().isBefore(m.pendingNotBefore)
                && m.pendingRecords >= config.minRecordsAfterChange()
            ? m.pending
            : null;
    if (ripe != null) {
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
    if (ripe != null) {
      evidence.add(ripe.id());
    }
    evidence = List.copyOf(evidence);
    Instant from = m.trainedUntil != null ? m.trainedUntil : m.firstWindowStart;
    Instant to = obs.windowEnd();
    if (ripe != null && ripe.changePoint().isBefore(to)) {
      from = ripe.changePoint();
    }
    String key = idempotencyKey(obs.modelName(), to, reasons);
    SuppressionReason suppressed = null;
    if (m.inFlight.size() >= config.maxInFlight()) {
      suppressed = SuppressionReason.MAX_IN_FLIGHT;
    } else if (m.cooldownAnchor() != null
        && to.isBefore(m.cooldownAnchor().plus(config.cooldown()))) {
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
      if (ripe != null) {
        m.pending = null;
        m.pendingNotBefore = null;
        m.pendingRecords = 0;
      }
    }
    return Optional.of(d);
  }

  /**
   * Holds a performance alarm of {@code modelName} that arrived outside a compared window (late
   * labels, or while the reference is being built): it triggers PERFORMANCE_DRIFT on the first
   * window that ends at or after {@code notBefore} once the records after its change point suffice.
   * One alarm is held at a time: while one waits, a later one is dropped (the earlier change point
   * stands).
   *
   * @return whether it is now held
   */
  public boolean holdPerformance(String modelName, PerformanceEvidence alarm, Instant notBefore) {
    Objects.requireNonNull(alarm, "alarm");
    Objects.requireNonNull(notBefore, "notBefore");
    return hold(models.computeIfAbsent(modelName, n -> new ModelRuntime()), alarm, notBefore);
  }

  private static boolean hold(ModelRuntime m, PerformanceEvidence alarm, Instant notBefore) {
    if (m.pending != null) {
      return false;
    }
    m.pending = alarm;
    m.pendingNotBefore = notBefore;
    m.pendingRecords = 0;
    return true;
  }

  /**
   * Drops the model's held performance alarm (its champion was replaced: the alarm was about a
   * model that no longer scores). Returns whether one was held.
   */
  public boolean dropHeldPerformance(String modelName) {
    ModelRuntime m = models.get(modelName);
    if (m == null || m.pending == null) {
      return false;
    }
    m.pending = null;
    m.pendingNotBefore = null;
    m.pendingRecords = 0;
    return true;
  }

  /** The performance alarm of a model waiting for its request, if any. */
  public Optional<PerformanceEvidence> heldPerformance(String modelName) {
    ModelRuntime m = models.get(modelName);
    return Optional.ofNullable(m == null ? null : m.pending);
  }

  /**
   * Asks {@code runs} which of the model's in-flight requests ended and {@link #onRunFinished
   * finishes} them, each at its finish time or {@code asOf} if that is earlier: window times are
   * event time, run times the launcher's clock, and a replayed stream's event time lags the clock
   * by far; {@code asOf} (the window being decided) keeps the cooldown on the window clock. Asks
   * nothing when none is in flight.
   *
   * @return the keys released, oldest first
   */
  public List<String> releaseFinished(String modelName, FinishedRuns runs, Instant asOf) {
    return List.copyOf(releaseFinishedRuns(modelName, runs, asOf).keySet());
  }

  /**
   * {@link #releaseFinished}, with how each released run ended (as {@code runs} told it; its {@code
   * at} is the launcher's clock). A released key is no longer in flight, so it is never released
   * again, not even after a restart from {@link #exportState()}.
   *
   * @return the released runs by key, oldest request first
   */
  public Map<String, FinishedRuns.Finished> releaseFinishedRuns(
      String modelName, FinishedRuns runs, Instant asOf) {
    Objects.requireNonNull(asOf, "asOf");
    ModelRuntime m = models.get(modelName);
    if (m == null || m.inFlight.isEmpty()) {
      return Map.of();
    }
    Collection<String> keys = List.copyOf(m.inFlight.keySet());
    Map<String, FinishedRuns.Finished> finished = runs.finished(keys);
    Map<String, FinishedRuns.Finished> released = new LinkedHashMap<>();
    for (String key : keys) {
      FinishedRuns.Finished f = finished.get(key);
      if (f != null) {
        onRunFinished(key, f.at().isAfter(asOf) ? asOf : f.at());
        released.put(key, f);
      }
    }
    return java.util.Collections.unmodifiableMap(released);
  }

  /**
   * The model's drift windows are compared with another reference from now on: the drift and
   * critical-feature streaks (and their evidence) were measured against the old one, so they start
   * afresh. Other triggers (volume, age, a held performance alarm) are unchanged.
   */
  public void onReferenceChanged(String modelName) {
    ModelRuntime m = models.get(modelName);
    if (m != null) {
      m.driftStreak = 0;
      m.criticalStreak = 0;
      m.recentReportIds.clear();
    }
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
   * Records that the run for {@code key} ended at {@code time} (succeeded, failed, or was abandoned
   * without starting), freeing its in-flight slot; the cooldown counts from the latest finish.
   * Returns false (and changes nothing) for an unknown or finished key.
   */
  public boolean onRunFinished(String key, Instant time) {
    Objects.requireNonNull(time, "time");
    for (ModelRuntime m : models.values()) {
      if (m.inFlight.containsKey(key)) {
        m.inFlight.remove(key);
        m.lastRunFinish = max(m.lastRunFinish, time);
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
    Instant lastRunFinish;
    PerformanceEvidence pending;
    Instant pendingNotBefore;
    long pendingRecords;
    long recordsSinceLastRequest;
    int driftStreak;
    int criticalStreak;
    final List<String> recentReportIds = new ArrayList<>();
    final LinkedHashMap<String, Instant> inFlight = new LinkedHashMap<>();

    /** The cooldown counts from the latest run event: a start, or a finish. */
    Instant cooldownAnchor() {
      return lastRunFinish == null ? lastRunStart : max(lastRunStart, lastRunFinish);
    }

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
          runs,
          str(lastRunFinish),
          pending == null
              ? null
              : new PolicyState.PendingAlarm(
                  pending.detector(),
                  pending.metric(),
                  pending.changePoint().toString(),
                  pending.before(),
                  pending.after(),
                  str(pendingNotBefore),
                  pendingRecords));
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
      m.lastRunFinish = inst(s.lastRunFinish());
      PolicyState.PendingAlarm a = s.pendingPerformance();
      if (a != null) {
        m.pending =
            new PerformanceEvidence(
                a.detector(), a.metric(), Instant.parse(a.changePoint()), a.before(), a.after());
        m.pendingNotBefore = a.notBefore() == null ? m.pending.changePoint() : inst(a.notBefore());
        m.pendingRecords = a.recordsAfterChange();
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
