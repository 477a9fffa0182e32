package io.driftgate.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetrainPolicyTest {
  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
  private static final Duration HOUR = Duration.ofHours(1);

  /** Base config: share 0.5, k = 3, no volume/age triggers, no cooldown, 1 in flight. */
  private static final PolicyConfig BASE =
      new PolicyConfig(0.5, Set.of(), 3, 0, null, Duration.ZERO, 1);

  /** Hourly window i for model "m". */
  private static WindowObservation w(int i, double share, Set<String> drifted, long records) {
    return new WindowObservation(
        "m",
        T0.plus(HOUR.multipliedBy(i)),
        T0.plus(HOUR.multipliedBy(i + 1)),
        "r" + i,
        share,
        drifted,
        records);
  }

  private static WindowObservation drifted(int i) {
    return w(i, 0.8, Set.of("a", "b"), 100);
  }

  private static WindowObservation clean(int i) {
    return w(i, 0.0, Set.of(), 100);
  }

  private static Instant end(int i) {
    return T0.plus(HOUR.multipliedBy(i + 1));
  }

  @Test
  void hysteresisNeedsKConsecutiveDriftedWindows() {
    RetrainPolicy p = new RetrainPolicy(BASE);
    assertThat(p.onWindow(drifted(0))).isEmpty();
    assertThat(p.onWindow(drifted(1))).isEmpty();
    assertThat(p.onWindow(clean(2))).isEmpty(); // k-1 then clean: streak broken
    assertThat(p.onWindow(drifted(3))).isEmpty();
    assertThat(p.onWindow(drifted(4))).isEmpty();
    RetrainDecision d = p.onWindow(drifted(5)).orElseThrow();
    assertThat(d.isSuppressed()).isFalse();
    assertThat(d.reasons()).containsExactly(RetrainReason.DRIFT);
    assertThat(d.evidenceReportIds()).containsExactly("r3", "r4", "r5");
    assertThat(d.dataFrom()).isEqualTo(T0);
    assertThat(d.dataTo()).isEqualTo(end(5)).isEqualTo(d.triggerWindowEnd());
    assertThat(d.validRecordsSinceLastRun()).isEqualTo(600);
    assertThat(p.inFlight("m")).containsExactly(d.idempotencyKey());
  }

  @Test
  void oneRequestPerStreakAndNextRangeStartsAtPreviousEnd() {
    RetrainPolicy p = new RetrainPolicy(BASE.withMaxInFlight(5));
    List<RetrainDecision> ds = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      p.onWindow(drifted(i)).ifPresent(ds::add);
    }
    // windows 0..2 trigger; the streak restarts: 3..5 trigger again; 6 alone does not
    assertThat(ds).hasSize(2);
    assertThat(ds.get(1).evidenceReportIds()).containsExactly("r3", "r4", "r5");
    assertThat(ds.get(1).dataFrom()).isEqualTo(ds.get(0).dataTo()).isEqualTo(end(2));
    assertThat(ds.get(1).validRecordsSinceLastRun()).isEqualTo(300);
    assertThat(ds.get(0).idempotencyKey()).isNotEqualTo(ds.get(1).idempotencyKey());
  }

  @Test
  void gapBetweenWindowsBreaksTheStreakAndLateWindowsAreIgnored() {
    RetrainPolicy p = new RetrainPolicy(BASE);
    p.onWindow(drifted(0));
    p.onWindow(drifted(1));
    assertThat(p.onWindow(drifted(3))).isEmpty(); // window 2 missing
    assertThat(p.onWindow(drifted(1))).isEmpty(); // duplicate: ignored
    assertThat(p.onWindow(drifted(4))).isEmpty();
    assertThat(p.onWindow(drifted(5)).orElseThrow().evidenceReportIds())
        .containsExactly("r3", "r4", "r5");
  }

  @Test
  void criticalFeatureTriggersAloneBelowShareThreshold() {
    RetrainPolicy p = new RetrainPolicy(BASE.withCriticalFeatures(Set.of("income")));
    assertThat(p.onWindow(w(0, 0.1, Set.of("income"), 10))).isEmpty();
    assertThat(p.onWindow(w(1, 0.1, Set.of("income"), 10))).isEmpty();
    RetrainDecision d = p.onWindow(w(2, 0.1, Set.of("income"), 10)).orElseThrow();
    assertThat(d.reasons()).containsExactly(RetrainReason.CRITICAL_FEATURE_DRIFT);
    // a non-critical feature at the same share does nothing
    RetrainPolicy q = new RetrainPolicy(BASE.withCriticalFeatures(Set.of("income")));
    for (int i = 0; i < 5; i++) {
      assertThat(q.onWindow(w(i, 0.1, Set.of("age"), 10))).isEmpty();
    }
  }

  @Test
  void driftAndCriticalTogetherListBothReasons() {
    RetrainPolicy p = new RetrainPolicy(BASE.withCriticalFeatures(Set.of("a")));
    p.onWindow(drifted(0));
    p.onWindow(drifted(1));
    assertThat(p.onWindow(drifted(2)).orElseThrow().reasons())
        .containsExactly(RetrainReason.DRIFT, RetrainReason.CRITICAL_FEATURE_DRIFT);
  }

  @Test
  void volumeTrigger() {
    RetrainPolicy p = new RetrainPolicy(BASE.withMinNewRecords(250));
    assertThat(p.onWindow(clean(0))).isEmpty(); // 100
    assertThat(p.onWindow(clean(1))).isEmpty(); // 200
    RetrainDecision d = p.onWindow(clean(2)).orElseThrow(); // 300 >= 250
    assertThat(d.reasons()).containsExactly(RetrainReason.VOLUME);
    assertThat(d.evidenceReportIds()).containsExactly("r2");
    assertThat(d.validRecordsSinceLastRun()).isEqualTo(300);
    p.onRunFinished(d.idempotencyKey(), end(2));
    assertThat(p.onWindow(clean(3))).isEmpty(); // counter reset: 100
  }

  @Test
  void maxAgeTriggerFromFirstWindowThenFromRunStart() {
    RetrainPolicy p = new RetrainPolicy(BASE.withMaxAge(Duration.ofHours(4)));
    for (int i = 0; i < 3; i++) {
      assertThat(p.onWindow(clean(i))).isEmpty(); // ages 1h..3h
    }
    RetrainDecision d = p.onWindow(clean(3)).orElseThrow(); // end(3) - T0 = 4h
    assertThat(d.reasons()).containsExactly(RetrainReason.MAX_AGE);
    assertThat(p.onRunStarted(d.idempotencyKey(), end(4))).isTrue();
    assertThat(p.onRunFinished(d.idempotencyKey(), end(5))).isTrue();
    // anchor = run start end(4) = T0+5h; fires at window end >= T0+9h, i.e. window 8
    for (int i = 4; i < 8; i++) {
      assertThat(p.onWindow(clean(i))).isEmpty();
    }
    assertThat(p.onWindow(clean(8)).orElseThrow().reasons()).containsExactly(RetrainReason.MAX_AGE);
  }

  @Test
  void cooldownCountsFromTheRunsFinish() {
    RetrainPolicy p =
        new RetrainPolicy(BASE.withConsecutiveWindows(1).withCooldown(HOUR.multipliedBy(3)));
    RetrainDecision first = p.onWindow(drifted(0)).orElseThrow();
    p.onRunStarted(first.idempotencyKey(), end(0));
    p.onRunFinished(first.idempotencyKey(), end(1));
    RetrainDecision s1 = p.onWindow(drifted(1)).orElseThrow(); // end(1) < end(1) + 3h
    assertThat(s1.suppressedBy()).isEqualTo(SuppressionReason.COOLDOWN);
    assertThat(p.inFlight("m")).isEmpty();
    assertThat(p.onWindow(drifted(2)).orElseThrow().isSuppressed()).isTrue();
    // three hours after the start, but not after the finish
    assertThat(p.onWindow(drifted(3)).orElseThrow().suppressedBy())
        .isEqualTo(SuppressionReason.COOLDOWN);
    RetrainDecision after = p.onWindow(drifted(4)).orElseThrow(); // end(4) = end(1) + 3h
    assertThat(after.isSuppressed()).isFalse();
    // suppressed decisions changed nothing: the range still starts at the first request's end
    assertThat(after.dataFrom()).isEqualTo(end(0));
    assertThat(after.validRecordsSinceLastRun()).isEqualTo(400);
  }

  @Test
  void cooldownCountsFromTheRunStartWhileOnlyTheStartIsKnown() {
    RetrainPolicy p =
        new RetrainPolicy(
            BASE.withConsecutiveWindows(1).withMaxInFlight(2).withCooldown(HOUR.multipliedBy(2)));
    RetrainDecision first = p.onWindow(drifted(0)).orElseThrow();
    p.onRunStarted(first.idempotencyKey(), end(0));
    assertThat(p.onWindow(drifted(1)).orElseThrow().suppressedBy())
        .isEqualTo(SuppressionReason.COOLDOWN);
    assertThat(p.onWindow(drifted(2)).orElseThrow().isSuppressed()).isFalse();
  }

  /** A lookup over a map of finished runs, counting its calls. */
  static final class Finished implements io.driftgate.core.run.FinishedRuns {
    final java.util.Map<String, Instant> done = new java.util.HashMap<>();
    int asked;

    @Override
    public java.util.Map<String, Finished> finished(java.util.Collection<String> keys) {
      asked++;
      java.util.Map<String, Finished> out = new java.util.HashMap<>();
      keys.forEach(
          k ->
              java.util.Optional.ofNullable(done.get(k))
                  .ifPresent(
                      t ->
                          out.put(
                              k, Finished.unpromoted(t, io.driftgate.core.run.RunState.REJECTED))));
      return out;
    }
  }

  @Test
  void releaseFinishedFreesTheSlotAndTheCooldownCountsFromTheFinish() {
    RetrainPolicy p =
        new RetrainPolicy(BASE.withMinNewRecords(200).withCooldown(HOUR.multipliedBy(2)));
    Finished runs = new Finished();
    assertThat(p.releaseFinished("m", runs, end(0))).isEmpty();
    assertThat(runs.asked).isZero(); // nothing in flight: nothing asked
    p.onWindow(clean(0));
    RetrainDecision first = p.onWindow(clean(1)).orElseThrow();
    assertThat(first.reasons()).containsExactly(RetrainReason.VOLUME);
    p.onWindow(clean(2));
    // the run is still going: the store has nothing for it
    assertThat(p.releaseFinished("m", runs, end(3))).isEmpty();
    assertThat(runs.asked).isEqualTo(1);
    assertThat(p.onWindow(clean(3)).orElseThrow().suppressedBy())
        .isEqualTo(SuppressionReason.MAX_IN_FLIGHT);
    // it finished half an hour before window 4 ends
    Instant finishedAt = end(4).minus(Duration.ofMinutes(30));
    runs.done.put(first.idempotencyKey(), finishedAt);
    assertThat(p.releaseFinished("m", runs, end(4))).containsExactly(first.idempotencyKey());
    assertThat(p.inFlight("m")).isEmpty();
    assertThat(p.exportState().models().get("m").lastRunFinish()).isEqualTo(finishedAt.toString());
    // cooldown from the finish: end(4) and end(5) are within 2h of it, end(6) is not
    assertThat(p.onWindow(clean(4)).orElseThrow().suppressedBy())
        .isEqualTo(SuppressionReason.COOLDOWN);
    assertThat(p.onWindow(clean(5)).orElseThrow().suppressedBy())
        .isEqualTo(SuppressionReason.COOLDOWN);
    RetrainDecision second = p.onWindow(clean(6)).orElseThrow();
    assertThat(second.isSuppressed()).isFalse();
    assertThat(second.dataFrom()).isEqualTo(end(1));
    // released once: the next lookup only asks about the new request
    assertThat(p.releaseFinished("m", runs, end(7))).isEmpty();
  }

  @Test
  void aFinishOnAnotherClockIsTakenAtTheWindowBeingDecided() {
    // A replayed stream: window times in 2024, the launcher's clock years later.
    RetrainPolicy p = new RetrainPolicy(BASE.withMinNewRecords(100).withCooldown(HOUR));
    RetrainDecision first = p.onWindow(clean(0)).orElseThrow();
    Finished runs = new Finished();
    runs.done.put(first.idempotencyKey(), Instant.parse("2030-06-01T00:00:00Z"));
    assertThat(p.releaseFinished("m", runs, end(1))).containsExactly(first.idempotencyKey());
    assertThat(p.exportState().models().get("m").lastRunFinish()).isEqualTo(end(1).toString());
    assertThat(p.onWindow(clean(1)).orElseThrow().suppressedBy())
        .isEqualTo(SuppressionReason.COOLDOWN);
    assertThat(p.onWindow(clean(2)).orElseThrow().isSuppressed()).isFalse();
  }

  @Test
  void maxInFlightSuppressesUntilARunFinishes() {
    RetrainPolicy p = new RetrainPolicy(BASE.withConsecutiveWindows(1).withMaxInFlight(2));
    RetrainDecision a = p.onWindow(drifted(0)).orElseThrow();
    RetrainDecision b = p.onWindow(drifted(1)).orElseThrow();
    assertThat(a.isSuppressed()).isFalse();
    assertThat(b.isSuppressed()).isFalse();
    RetrainDecision c = p.onWindow(drifted(2)).orElseThrow();
    assertThat(c.suppressedBy()).isEqualTo(SuppressionReason.MAX_IN_FLIGHT);
    assertThat(p.inFlight("m")).containsExactly(a.idempotencyKey(), b.idempotencyKey());
    assertThat(p.onRunStarted(a.idempotencyKey(), end(2))).isTrue();
    assertThat(p.onRunFinished(a.idempotencyKey(), end(3))).isTrue();
    assertThat(p.onRunFinished(a.idempotencyKey(), end(3))).isFalse(); // already finished
    assertThat(p.onRunStarted("unknown", end(3))).isFalse();
    assertThat(p.onWindow(drifted(3)).orElseThrow().isSuppressed()).isFalse();
  }

  @Test
  void idempotencyKeyIsSha256OfModelEndAndSortedReasons() throws Exception {
    RetrainPolicy p = new RetrainPolicy(BASE.withConsecutiveWindows(1).withMinNewRecords(50));
    RetrainDecision d = p.onWindow(drifted(0)).orElseThrow();
    assertThat(d.reasons()).containsExactly(RetrainReason.DRIFT, RetrainReason.VOLUME);
    String material = "m|2024-01-01T01:00:00Z|DRIFT,VOLUME";
    String full =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest(material.getBytes(StandardCharsets.UTF_8)));
    assertThat(d.idempotencyKey()).isEqualTo(full.substring(0, 32)).hasSize(32);
    assertThat(
            RetrainPolicy.idempotencyKey(
                "m", end(0), List.of(RetrainReason.VOLUME, RetrainReason.DRIFT)))
        .isEqualTo(d.idempotencyKey());
  }

  private static List<Object> script(RetrainPolicy p) {
    List<Object> out = new ArrayList<>();
    PolicyConfig c = p.config();
    for (int i = 0; i < 20; i++) {
      WindowObservation o =
          i % 4 == 3 ? clean(i) : w(i, 0.6, i % 5 == 0 ? Set.of("crit") : Set.of("x"), 40 + i);
      Optional<RetrainDecision> d = p.onWindow(o);
      out.add(d);
      if (d.isPresent() && !d.get().isSuppressed() && i % 2 == 0) {
        p.onRunStarted(d.get().idempotencyKey(), end(i));
        p.onRunFinished(d.get().idempotencyKey(), end(i + 1));
      }
    }
    out.add(c);
    return out;
  }

  private static final PolicyConfig RICH =
      new PolicyConfig(0.5, Set.of("crit"), 2, 150, Duration.ofHours(6), HOUR, 1);

  @Test
  void replayIsDeterministic() {
    List<Object> first = script(new RetrainPolicy(RICH));
    List<Object> second = script(new RetrainPolicy(RICH));
    assertThat(second).isEqualTo(first);
    assertThat(first.stream().filter(o -> o instanceof Optional<?> opt && opt.isPresent()))
        .hasSizeGreaterThan(2);
  }

  @Test
  void exportedStateResumesIdentically() {
    RetrainPolicy uninterrupted = new RetrainPolicy(RICH);
    RetrainPolicy firstHalf = new RetrainPolicy(RICH);
    List<Optional<RetrainDecision>> expected = new ArrayList<>();
    List<Optional<RetrainDecision>> actual = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      expected.add(uninterrupted.onWindow(drifted(i)));
      actual.add(firstHalf.onWindow(drifted(i)));
    }
    String json = firstHalf.exportState().toJson();
    RetrainPolicy resumed = new RetrainPolicy(RICH, PolicyState.fromJson(json));
    assertThat(resumed.exportState()).isEqualTo(firstHalf.exportState());
    assertThat(resumed.inFlight("m")).isEqualTo(uninterrupted.inFlight("m"));
    String key = uninterrupted.inFlight("m").get(0);
    assertThat(resumed.onRunStarted(key, end(5))).isTrue();
    uninterrupted.onRunStarted(key, end(5));
    resumed.onRunFinished(key, end(6));
    uninterrupted.onRunFinished(key, end(6));
    for (int i = 5; i < 15; i++) {
      expected.add(uninterrupted.onWindow(i % 3 == 0 ? clean(i) : drifted(i)));
      actual.add(resumed.onWindow(i % 3 == 0 ? clean(i) : drifted(i)));
    }
    assertThat(actual.subList(5, 15)).isEqualTo(expected.subList(5, 15));
    assertThat(resumed.exportState()).isEqualTo(uninterrupted.exportState());
    assertThat(PolicyState.fromJson(PolicyState.empty().toJson())).isEqualTo(PolicyState.empty());
    assertThatThrownBy(() -> PolicyState.fromJson("{not json"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void configAndObservationValidation() {
    assertThatThrownBy(() -> BASE.withDriftedShareThreshold(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BASE.withConsecutiveWindows(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BASE.withMaxInFlight(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new WindowObservation("m", T0, T0, "r", 0.1, Set.of(), 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> w(0, 1.5, Set.of(), 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void modelsAreIndependent() {
    RetrainPolicy p = new RetrainPolicy(BASE.withConsecutiveWindows(2));
    WindowObservation other = new WindowObservation("n", T0, end(0), "n0", 0.9, Set.of(), 5);
    p.onWindow(drifted(0));
    p.onWindow(other);
    RetrainDecision d = p.onWindow(drifted(1)).orElseThrow();
    assertThat(d.modelName()).isEqualTo("m");
    assertThat(p.inFlight("n")).isEmpty();
    assertThat(p.exportState().models()).containsOnlyKeys("m", "n");
  }

  private static WindowObservation worse(int i) {
    return new WindowObservation(
        "m",
        T0.plus(HOUR.multipliedBy(i)),
        end(i),
        "r" + i,
        0.0,
        Set.of(),
        100,
        new io.driftgate.core.performance.PerformanceEvidence(
            "adwin", "error", T0.plus(HOUR.multipliedBy(i)).plusSeconds(60), 0.1, 0.18));
  }

  @Test
  void performanceEvidenceTriggersAtOnceWithItsIdAsEvidence() {
    RetrainPolicy p = new RetrainPolicy(BASE);
    assertThat(p.onWindow(clean(0))).isEmpty();
    RetrainDecision d = p.onWindow(worse(1)).orElseThrow();
    assertThat(d.isSuppressed()).isFalse();
    assertThat(d.reasons()).containsExactly(RetrainReason.PERFORMANCE_DRIFT);
    assertThat(d.evidenceReportIds())
        .containsExactly("r1", "performance:adwin:error@2024-01-01T01:01:00Z");
    assertThat(d.idempotencyKey())
        .isEqualTo(
            RetrainPolicy.idempotencyKey("m", end(1), List.of(RetrainReason.PERFORMANCE_DRIFT)));
    // Replaying the same windows gives the same decision (idempotency).
    RetrainPolicy replay = new RetrainPolicy(BASE);
    replay.onWindow(clean(0));
    assertThat(replay.onWindow(worse(1))).contains(d);
  }

  @Test
  void performanceDriftGoesThroughInFlightAndCooldownLikeAnyTrigger() {
    RetrainPolicy p =
        new RetrainPolicy(new PolicyConfig(0.5, Set.of(), 3, 0, null, Duration.ofHours(5), 1));
    RetrainDecision first = p.onWindow(worse(0)).orElseThrow();
    assertThat(first.isSuppressed()).isFalse();
    assertThat(p.onWindow(worse(1)).orElseThrow().suppressedBy())
        .isEqualTo(SuppressionReason.MAX_IN_FLIGHT);
    p.onRunStarted(first.idempotencyKey(), end(1));
    p.onRunFinished(first.idempotencyKey(), end(2));
    assertThat(p.onWindow(worse(3)).orElseThrow().suppressedBy())
        .isEqualTo(SuppressionReason.COOLDOWN);
    // five hours after the finish at end(2)
    assertThat(p.onWindow(clean(6)).orElseThrow().suppressedBy())
        .isEqualTo(SuppressionReason.COOLDOWN);
    RetrainDecision later = p.onWindow(clean(7)).orElseThrow();
    assertThat(later.isSuppressed()).isFalse();
    assertThat(later.reasons()).containsExactly(RetrainReason.PERFORMANCE_DRIFT);
    // the alarm suppressed on window 1 was held (not lost) and is the one that triggers
    assertThat(later.evidenceReportIds())
        .containsExactly("r7", "performance:adwin:error@2024-01-01T01:01:00Z");
    assertThat(later.dataFrom()).isEqualTo(T0.plus(HOUR).plusSeconds(60));
    assertThat(p.heldPerformance("m")).isEmpty();
  }

  private static io.driftgate.core.performance.PerformanceEvidence alarmAt(Instant changePoint) {
    return new io.driftgate.core.performance.PerformanceEvidence(
        "adwin", "error", changePoint, 0.1, 0.4);
  }

  @Test
  void aPerformanceRequestWaitsForRecordsAfterTheChangeAndItsRangeStartsThere() {
    RetrainPolicy p = new RetrainPolicy(BASE.withMinRecordsAfterChange(250));
    p.onWindow(clean(0));
    p.onWindow(clean(1));
    // labels joined ahead of the windows: change point inside window 2, labels up to end(3)
    Instant change = T0.plus(HOUR.multipliedBy(2)).plus(Duration.ofMinutes(20));
    assertThat(p.holdPerformance("m", alarmAt(change), end(3))).isTrue();
    assertThat(p.holdPerformance("m", alarmAt(change.plusSeconds(600)), end(3))).isFalse();
    assertThat(p.onWindow(clean(2))).isEmpty(); // starts before the change: not counted
    assertThat(p.onWindow(clean(3))).isEmpty(); // 100
    assertThat(p.onWindow(clean(4))).isEmpty(); // 200
    RetrainDecision d = p.onWindow(clean(5)).orElseThrow(); // 300 >= 250
    assertThat(d.reasons()).containsExactly(RetrainReason.PERFORMANCE_DRIFT);
    assertThat(d.dataFrom()).isEqualTo(change);
    assertThat(d.dataTo()).isEqualTo(end(5));
    assertThat(d.evidenceReportIds()).contains(alarmAt(change).id());
    assertThat(p.heldPerformance("m")).isEmpty();
  }

  @Test
  void aHeldAlarmWaitsForItsNotBeforeAndSurvivesAnExport() {
    RetrainPolicy p = new RetrainPolicy(BASE);
    p.onWindow(clean(0));
    Instant change = T0.plus(HOUR);
    p.holdPerformance("m", alarmAt(change), end(3));
    assertThat(p.onWindow(clean(1))).isEmpty(); // ends before the labelled records' end
    RetrainPolicy resumed = new RetrainPolicy(BASE, PolicyState.fromJson(p.exportState().toJson()));
    assertThat(resumed.exportState()).isEqualTo(p.exportState());
    assertThat(resumed.heldPerformance("m")).contains(alarmAt(change));
    assertThat(resumed.onWindow(clean(2))).isEmpty();
    RetrainDecision d = resumed.onWindow(clean(3)).orElseThrow();
    assertThat(d.reasons()).containsExactly(RetrainReason.PERFORMANCE_DRIFT);
    assertThat(d.dataFrom()).isEqualTo(change);
    // and the same stream without the export decides the same
    assertThat(p.onWindow(clean(2))).isEmpty();
    assertThat(p.onWindow(clean(3))).contains(d);
  }

  @Test
  void aDroppedAlarmAsksForNothing() {
    RetrainPolicy p = new RetrainPolicy(BASE);
    p.onWindow(clean(0));
    p.holdPerformance("m", alarmAt(T0.plus(HOUR)), end(2));
    assertThat(p.dropHeldPerformance("m")).isTrue();
    assertThat(p.dropHeldPerformance("m")).isFalse();
    for (int i = 1; i < 5; i++) {
      assertThat(p.onWindow(clean(i))).isEmpty();
    }
  }

  @Test
  void inputDriftAndPerformanceDriftTogetherCarryBothEvidences() {
    RetrainPolicy p =
        new RetrainPolicy(new PolicyConfig(0.5, Set.of(), 1, 0, null, Duration.ZERO, 1));
    WindowObservation both =
        new WindowObservation(
            "m",
            T0,
            end(0),
            "r0",
            0.9,
            Set.of("a"),
            100,
            new io.driftgate.core.performance.PerformanceEvidence(
                "page-hinkley", "error", T0, 0.1, 0.3));
    RetrainDecision d = p.onWindow(both).orElseThrow();
    assertThat(d.reasons()).containsExactly(RetrainReason.DRIFT, RetrainReason.PERFORMANCE_DRIFT);
    assertThat(d.evidenceReportIds())
        .containsExactly("r0", "performance:page-hinkley:error@2024-01-01T00:00:00Z");
  }
}
