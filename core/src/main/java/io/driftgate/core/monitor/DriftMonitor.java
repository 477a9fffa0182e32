package io.driftgate.core.monitor;

import io.driftgate.core.dataset.DatasetFiles;
import io.driftgate.core.drift.DriftComparator;
import io.driftgate.core.drift.DriftResult;
import io.driftgate.core.drift.FeatureDrift;
import io.driftgate.core.drift.FeatureOverride;
import io.driftgate.core.drift.MetricChooser;
import io.driftgate.core.drift.metrics.DriftMetric;
import io.driftgate.core.drift.profile.DatasetProfile;
import io.driftgate.core.drift.profile.FeatureProfile;
import io.driftgate.core.drift.profile.ProfiledFeature;
import io.driftgate.core.policy.PolicyConfig;
import io.driftgate.core.policy.PolicyState;
import io.driftgate.core.policy.RetrainDecision;
import io.driftgate.core.policy.RetrainPolicy;
import io.driftgate.core.policy.WindowObservation;
import io.driftgate.core.run.FinishedRuns;
import io.driftgate.core.spec.DriftSpec;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.schemas.DriftReport;
import io.driftgate.schemas.RetrainRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The streaming monitor's decisions, engine-free: feed it the profile of each closed event-time
 * window, in window order; it builds the reference, compares, always returns a {@link DriftReport}
 * once a reference exists, and asks the retrain policy whether to request a run. Its whole state is
 * a {@link MonitorState}, so a restarted monitor resumes where it stopped.
 */
public final class DriftMonitor {

  /**
   * What one window produced.
   *
   * @param released keys of requested runs found finished before this window's decision
   * @param rebase the re-base a promotion among them asked for (this window was compared with the
   *     new reference when {@code rebased}), or empty
   * @param rebased whether the reference moved: false when the promoted run's range had no stored
   *     window profile, and the old reference stays
   */
  public record Outcome(
      Optional<DriftReport> report,
      Optional<RetrainDecision> decision,
      Optional<RetrainRequest> request,
      boolean referenceWindow,
      List<String> released,
      Optional<ReferenceRebase.Rebase> rebase,
      boolean rebased) {
    public Outcome {
      released = released == null ? List.of() : List.copyOf(released);
      rebase = rebase == null ? Optional.empty() : rebase;
    }

    /** No re-base. */
    public Outcome(
        Optional<DriftReport> report,
        Optional<RetrainDecision> decision,
        Optional<RetrainRequest> request,
        boolean referenceWindow,
        List<String> released) {
      this(report, decision, request, referenceWindow, released, Optional.empty(), false);
    }

    /** Nothing released. */
    public Outcome(
        Optional<DriftReport> report,
        Optional<RetrainDecision> decision,
        Optional<RetrainRequest> request,
        boolean referenceWindow) {
      this(report, decision, request, referenceWindow, List.of());
    }
  }

  private final ModelSpec spec;
  private final List<ProfiledFeature> features;
  private final RetrainPolicy policy;
  private DatasetProfile reference;
  private boolean referenceComplete;
  private String referenceId;
  private long windows;
  private long lastWindowEnd;
  private String performanceState;
  private FinishedRuns finishedRuns = FinishedRuns.none();
  private WindowProfileSource windowProfiles = WindowProfileSource.none();

  public DriftMonitor(ModelSpec spec, MonitorState state) {
    this.spec = spec;
    this.features = DatasetFiles.features(spec);
    this.policy =
        new RetrainPolicy(
            policyConfig(spec),
            state.policyStateJson() == null
                ? PolicyState.empty()
                : PolicyState.fromJson(state.policyStateJson()));
    this.reference =
        state.reference() == null
            ? DatasetProfile.empty()
            : DatasetProfile.fromBytes(state.reference());
    this.referenceComplete = state.referenceComplete();
    this.referenceId = state.referenceId();
    this.windows = state.windows();
    this.lastWindowEnd = state.lastWindowEnd();
    this.performanceState = state.performanceStateJson();
  }

  /** The retrain policy settings a spec implies (drift + volume sections). */
  public static PolicyConfig policyConfig(ModelSpec spec) {
    DriftSpec d = spec.drift();
    var v = spec.volume();
    return new PolicyConfig(
        d.driftedShare(),
        Set.copyOf(d.criticalFeatures()),
        d.consecutiveWindows(),
        v.minNewRecords(),
        v.maxAge(),
        v.cooldown(),
        v.maxInFlight(),
        d.performance().minRecordsAfterChange());
  }

  /**
   * Where this monitor learns that a requested run ended (the launcher's run store): before each
   * compared window's decision it asks about the requests in flight and frees the slots of finished
   * ones, so a job that runs for ever keeps requesting. Without it (the default) nothing finishes
   * unless {@link #onRunFinished} is called.
   */
  public void useFinishedRuns(FinishedRuns runs) {
    this.finishedRuns = java.util.Objects.requireNonNull(runs, "runs");
  }

  /**
   * Where this monitor reads back its stored window profiles: when a run it requested is found
   * PROMOTED, the reference becomes the merged profile of the run's training range ({@link
   * ReferenceRebase}). Without it (the default) the reference never moves.
   */
  public void useWindowProfiles(WindowProfileSource source) {
    this.windowProfiles = java.util.Objects.requireNonNull(source, "source");
  }

  /**
   * A performance alarm that arrived between windows (late labels joined ahead of the drift
   * windows): the policy holds it, in this monitor's {@link #state()}, until a window that ends at
   * or after {@code notBefore} (the labelled records' end) and enough records after its change
   * point; see {@link RetrainPolicy#holdPerformance}.
   *
   * @return whether it is now held (false: another alarm is held)
   */
  public boolean onPerformanceAlarm(
      io.driftgate.core.performance.PerformanceEvidence alarm, Instant notBefore) {
    return policy.holdPerformance(spec.model(), alarm, notBefore);
  }

  /**
   * Drops a held performance alarm: another champion version now scores (the performance monitor
   * starts afresh for it), so the alarm about the replaced one asks for nothing.
   */
  public boolean dropHeldPerformance() {
    return policy.dropHeldPerformance(spec.model());
  }

  /** The performance alarm waiting for its request, if any. */
  public Optional<io.driftgate.core.performance.PerformanceEvidence> heldPerformance() {
    return policy.heldPerformance(spec.model());
  }

  /**
   * Uses a given reference from now on (the CLI's stored windows; a promotion's training range, see
   * {@link #useWindowProfiles}); it is part of {@link #state()}, so a restart keeps it.
   */
  public void useReference(DatasetProfile profile, String id) {
    this.reference = profile;
    this.referenceComplete = true;
    this.referenceId = id;
  }

  /**
   * One closed window. Windows that end at or before the last one seen (late panes, replays) still
   * get a report, marked by a {@code -late} id suffix, but do not move the policy.
   */
  public Outcome onWindow(Instant start, Instant end, DatasetProfile current) {
    return onWindow(start, end, current, null);
  }

  /**
   * {@link #onWindow(Instant, Instant, DatasetProfile)} with the champion's performance evidence
   * for this window (a change detector's alarm on its labelled errors), or null when none; the
   * policy turns evidence into a {@code performance_drift} reason.
   */
  public Outcome onWindow(
      Instant start,
      Instant end,
      DatasetProfile current,
      io.driftgate.core.performance.PerformanceEvidence performance) {
    if (performance != null) {
      // Held by the policy (and saved with it) until it triggers: while the reference builds, on a
      // late or empty pane, or with too few records after its change point yet.
      policy.holdPerformance(spec.model(), performance, end);
    }
    if (current.rowCount() == 0) {
      // An empty pane (the engine may fire one when a window is garbage-collected).
      return new Outcome(Optional.empty(), Optional.empty(), Optional.empty(), false);
    }
    boolean late = end.toEpochMilli() <= lastWindowEnd;
    if (!referenceComplete) {
      if (late) {
        return new Outcome(Optional.empty(), Optional.empty(), Optional.empty(), false);
      }
      reference = reference.merge(current);
      windows++;
      lastWindowEnd = end.toEpochMilli();
      if (reference.rowCount() >= spec.drift().referenceRecords()) {
        referenceComplete = true;
        referenceId = "first-" + reference.rowCount() + "-records-until-" + end;
      }
      return new Outcome(Optional.empty(), Optional.empty(), Optional.empty(), true);
    }
    String reportId = spec.model() + "@" + start + (late ? "-late-" + current.rowCount() : "");
    if (late) {
      DriftResult result = new DriftComparator().compareProfiles(reference, current, overrides());
      DriftReport report = toReport(reportId, start, end, current, result);
      return new Outcome(Optional.of(report), Optional.empty(), Optional.empty(), false);
    }
    windows++;
    lastWindowEnd = end.toEpochMilli();
    // Runs that ended before this window's decision; a promotion among them moves the reference
    // before this window is compared.
    Map<String, FinishedRuns.Finished> finished =
        policy.releaseFinishedRuns(spec.model(), finishedRuns, end);
    List<String> released = List.copyOf(finished.keySet());
    Optional<ReferenceRebase.Rebase> rebase =
        ReferenceRebase.choose(spec.model(), finished, referenceId);
    boolean rebased = false;
    if (rebase.isPresent()) {
      FinishedRuns.TrainedOn range = rebase.get().trainedOn();
      Optional<DatasetProfile> trained =
          ReferenceRebase.profile(windowProfiles.windows(range.from(), range.to()), range);
      if (trained.isPresent()) {
        useReference(trained.get(), rebase.get().referenceId());
        policy.onReferenceChanged(spec.model());
        rebased = true;
      }
    }
    DriftResult result = new DriftComparator().compareProfiles(reference, current, overrides());
    DriftReport report = toReport(reportId, start, end, current, result);
    Set<String> drifted = new TreeSet<>(result.driftedFeatures());
    Optional<RetrainDecision> decision =
        policy.onWindow(
            new WindowObservation(
                spec.model(),
                start,
                end,
                reportId,
                result.driftedShare(),
                drifted,
                current.rowCount()));
    Optional<RetrainRequest> request =
        decision.filter(d -> !d.isSuppressed()).map(DriftMonitor::toRequest);
    return new Outcome(Optional.of(report), decision, request, false, released, rebase, rebased);
  }

  /**
   * Tells the policy that a requested run finished at {@code at} (window clock); see {@link
   * #useFinishedRuns} for a monitor that asks by itself.
   */
  public void onRunFinished(String key, Instant at) {
    policy.onRunFinished(key, at);
  }

  /**
   * The champion's performance monitor state that {@link #state()} carries (kept as given: the
   * caller that runs the performance monitor sets it before saving).
   */
  public void performanceState(String json) {
    this.performanceState = json;
  }

  public MonitorState state() {
    return new MonitorState(
        reference.toBytes(),
        referenceComplete,
        referenceId,
        policy.exportState().toJson(),
        windows,
        lastWindowEnd,
        performanceState);
  }

  public boolean hasReference() {
    return referenceComplete;
  }

  /** The reference windows are compared with (still growing while not {@link #hasReference}). */
  public DatasetProfile reference() {
    return reference;
  }

  /** The id reports name for the reference, once it is complete; else null. */
  public String referenceId() {
    return referenceComplete ? referenceId : null;
  }

  /**
   * The metric per feature the monitor compares with: spec overrides, plus {@code
   * drift.defaultThreshold} for automatically chosen distances.
   */
  public Map<String, FeatureOverride> overrides() {
    Map<String, FeatureOverride> out = new LinkedHashMap<>();
    for (ProfiledFeature f : features) {
      DriftSpec.MetricOverride o = spec.drift().metrics().get(f.name());
      if (o != null) {
        DriftMetric m = DriftMetric.byName(o.metric());
        out.put(
            f.name(),
            o.threshold() == null ? FeatureOverride.of(m) : FeatureOverride.of(m, o.threshold()));
        continue;
      }
      long refCount = reference.feature(f.name()).map(FeatureProfile::validCount).orElse(0L);
      var auto = MetricChooser.automatic(f.kind(), refCount);
      if (!auto.metric().isStatisticalTest()) {
        out.put(f.name(), FeatureOverride.of(auto.metric(), spec.drift().defaultThreshold()));
      }
    }
    return out;
  }

  private DriftReport toReport(
      String reportId, Instant start, Instant end, DatasetProfile current, DriftResult result) {
    List<io.driftgate.schemas.FeatureDrift> features = new ArrayList<>();
    for (FeatureDrift f : result.features()) {
      if (f.status() != FeatureDrift.Status.OK || !Double.isFinite(f.score())) {
        // Not comparable in this window (e.g. no values): no score to report.
        continue;
      }
      features.add(
          io.driftgate.schemas.FeatureDrift.newBuilder()
              .setName(f.feature())
              .setMetric(f.metric() == null ? "none" : f.metric().name().toLowerCase(Locale.ROOT))
              .setScore(f.score())
              .setThreshold(f.threshold())
              .setPValue(f.pValue() == null || !Double.isFinite(f.pValue()) ? null : f.pValue())
              .setDrifted(f.drifted())
              .setNullRate(f.currentNullRate())
              .setReferenceNullRate(f.referenceNullRate())
              .build());
    }
    return DriftReport.newBuilder()
        .setReportId(reportId)
        .setModel(spec.model())
        .setWindowStart(start)
        .setWindowEnd(end)
        .setReferenceId(referenceId)
        .setRowCount(current.rowCount())
        .setReferenceRowCount(reference.rowCount())
        .setDriftedShare(result.driftedShare())
        .setFeatures(features)
        .build();
  }

  static RetrainRequest toRequest(RetrainDecision d) {
    return RetrainRequest.newBuilder()
        .setIdempotencyKey(d.idempotencyKey())
        .setModel(d.modelName())
        .setReasons(d.reasons().stream().map(r -> r.name().toLowerCase(Locale.ROOT)).toList())
        .setEvidenceReportIds(d.evidenceReportIds())
        .setTriggerWindowEnd(d.triggerWindowEnd())
        .setDataFrom(d.dataFrom())
        .setDataTo(d.dataTo())
        .setValidRecordsSinceLastRun(d.validRecordsSinceLastRun())
        .setRequestedAt(d.triggerWindowEnd())
        .build();
  }
}
