package io.driftgate.core.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.dataset.DatasetFiles;
import io.driftgate.core.drift.profile.DatasetProfile;
import io.driftgate.core.drift.profile.ProfileBuilder;
import io.driftgate.core.run.FinishedRuns;
import io.driftgate.core.run.FinishedRuns.Finished;
import io.driftgate.core.run.RunState;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.TestSpecs;
import io.driftgate.core.testing.StateBackend;
import io.driftgate.schemas.RetrainRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A persistent input drift with a monitor that learns how its runs ended: a PROMOTED run moves the
 * reference to the profile of the run's training range (so the drifted data, now what the champion
 * learnt from, asks for nothing more); a REJECTED one keeps it, and the policy asks again after the
 * cooldown. The re-based reference survives a restart through the state database, once.
 */
class DriftMonitorRebaseTest {
  static final Instant T0 = Instant.parse("2026-01-05T00:00:00Z");
  static final Duration WINDOW = Duration.ofMinutes(10);
  static final int PER_WINDOW = 200;
  static final int WINDOWS = 20;

  /**
   * Windows 0 and 1 are the reference (400 records); the drift starts with window 2. A window
   * drifts when both features do (share 0.75 of 2).
   */
  static final int ONSET = 2;

  static final ModelSpec SPEC =
      TestSpecs.parse(
          TestSpecs.MINIMAL
              + """
              drift:
                window: 10m
                allowedLateness: 1m
                referenceRecords: 400
                driftedShare: 0.75
                consecutiveWindows: 2
                criticalFeatures: []
              volume:
                minNewRecords: 100000000
                cooldown: 1h
                maxInFlight: 1
              """);

  @TempDir Path dir;

  static Instant start(int w) {
    return T0.plus(WINDOW.multipliedBy(w));
  }

  /** Window {@code w}'s rows: distance and origin move for good from {@link #ONSET} on. */
  static DatasetProfile window(int w) {
    SplittableRandom rnd = new SplittableRandom(1000L + w);
    ProfileBuilder b = new ProfileBuilder(DatasetFiles.features(SPEC));
    boolean drifted = w >= ONSET;
    for (int i = 0; i < PER_WINDOW; i++) {
      Map<String, Object> row = new HashMap<>();
      row.put("distance_km", (drifted ? 3000.0 : 800.0) + 200.0 * rnd.nextDouble());
      String[] origins = drifted ? new String[] {"SEA", "SFO"} : new String[] {"ATL", "BOS"};
      row.put("origin", origins[rnd.nextInt(origins.length)]);
      b.accept(row);
    }
    return b.build();
  }

  /** The launcher's run store as the monitor sees it: how each key ended, once it has. */
  static final class Runs implements FinishedRuns {
    final Map<String, Finished> ended = new HashMap<>();

    @Override
    public Map<String, Finished> finished(java.util.Collection<String> keys) {
      Map<String, Finished> out = new HashMap<>();
      keys.forEach(k -> java.util.Optional.ofNullable(ended.get(k)).ifPresent(f -> out.put(k, f)));
      return out;
    }
  }

  /** The monitor's stored window profiles (every window it was fed), counting the look-ups. */
  static final class Stored implements WindowProfileSource {
    final List<Window> windows = new ArrayList<>();
    int asked;

    @Override
    public List<Window> windows(Instant from, Instant to) {
      asked++;
      return windows.stream()
          .filter(w -> !w.start().isBefore(from) && !w.end().isAfter(to))
          .toList();
    }
  }

  record Run(List<DriftMonitor.Outcome> outcomes, List<RetrainRequest> requests) {}

  /**
   * Feeds windows {@code from..to-1}; the first request's run ends as {@code how} when window
   * {@code endsBefore} is decided.
   */
  static Run feed(
      DriftMonitor m, Runs runs, Stored stored, int from, int to, RunState how, int endsBefore) {
    List<DriftMonitor.Outcome> out = new ArrayList<>();
    List<RetrainRequest> requests = new ArrayList<>();
    for (int w = from; w < to; w++) {
      if (w == endsBefore && !requests.isEmpty()) {
        RetrainRequest first = requests.get(0);
        Instant at = start(w).minusSeconds(60);
        runs.ended.put(
            first.getIdempotencyKey().toString(),
            how == RunState.PROMOTED
                ? Finished.promoted(at, first.getDataFrom(), first.getDataTo())
                : Finished.unpromoted(at, how));
      }
      DatasetProfile p = window(w);
      stored.windows.add(new WindowProfileSource.Window(start(w), start(w + 1), p));
      DriftMonitor.Outcome o = m.onWindow(start(w), start(w + 1), p);
      out.add(o);
      o.request().ifPresent(requests::add);
    }
    return new Run(out, requests);
  }

  static DriftMonitor monitor(MonitorState state, Runs runs, Stored stored) {
    DriftMonitor m = new DriftMonitor(SPEC, state);
    m.useFinishedRuns(runs);
    m.useWindowProfiles(stored);
    return m;
  }

  @Test
  void aPromotionRebasesOnTheRunsTrainingRangeAndThePersistentDriftAsksNoMore() {
    Runs runs = new Runs();
    Stored stored = new Stored();
    DriftMonitor m = monitor(MonitorState.initial(), runs, stored);

    Run run = feed(m, runs, stored, 0, WINDOWS, RunState.PROMOTED, 6);

    assertThat(run.requests()).hasSize(1);
    RetrainRequest first = run.requests().get(0);
    // two drifted windows after the reference: the range is the drifted data only
    assertThat(first.getDataFrom()).isEqualTo(start(ONSET));
    assertThat(first.getDataTo()).isEqualTo(start(ONSET + 2));
    String rebasedId =
        "flight-delay@trained-"
            + start(ONSET)
            + "-to-"
            + start(ONSET + 2)
            + "-run-"
            + first.getIdempotencyKey();
    DriftMonitor.Outcome atPromotion = run.outcomes().get(6);
    assertThat(atPromotion.released()).containsExactly(first.getIdempotencyKey().toString());
    assertThat(atPromotion.rebased()).isTrue();
    assertThat(atPromotion.rebase().orElseThrow().referenceId()).isEqualTo(rebasedId);
    assertThat(stored.asked).isEqualTo(1);
    // before: compared with the first 400 records, drifted; from the promotion on: the new
    // reference, named by every report, and no feature drifts
    String firstId = run.outcomes().get(5).report().orElseThrow().getReferenceId().toString();
    assertThat(firstId).startsWith("first-400-records");
    assertThat(run.outcomes().get(5).report().orElseThrow().getDriftedShare()).isEqualTo(1.0);
    for (DriftMonitor.Outcome o : run.outcomes().subList(6, WINDOWS)) {
      assertThat(o.report().orElseThrow().getReferenceId().toString()).isEqualTo(rebasedId);
      // both features moved at the onset; a single test's false alarm (alpha 0.05) is not a drift
      assertThat(o.report().orElseThrow().getDriftedShare()).isLessThan(1.0);
      assertThat(o.decision()).isEmpty();
    }
    assertThat(m.referenceId()).isEqualTo(rebasedId);
    assertThat(m.reference().rowCount()).isEqualTo(2L * PER_WINDOW);
  }

  @Test
  void aRejectionKeepsTheReferenceAndThePolicyAsksAgainAfterTheCooldown() {
    Runs runs = new Runs();
    Stored stored = new Stored();
    DriftMonitor m = monitor(MonitorState.initial(), runs, stored);

    Run run = feed(m, runs, stored, 0, WINDOWS, RunState.REJECTED, 6);

    assertThat(run.outcomes().get(6).released()).hasSize(1);
    assertThat(run.outcomes()).noneMatch(DriftMonitor.Outcome::rebased);
    assertThat(run.outcomes()).allMatch(o -> o.rebase().isEmpty());
    assertThat(stored.asked).isZero();
    String firstId = m.referenceId();
    assertThat(firstId).startsWith("first-400-records");
    run.outcomes().stream()
        .flatMap(o -> o.report().stream())
        .forEach(r -> assertThat(r.getReferenceId().toString()).isEqualTo(firstId));
    assertThat(run.requests()).hasSizeGreaterThanOrEqualTo(2);
    RetrainRequest second = run.requests().get(1);
    assertThat(second.getReasons()).contains("drift");
    // the run ended a minute before window 6 starts; the 1h cooldown counts from there
    assertThat(second.getTriggerWindowEnd())
        .isAfterOrEqualTo(start(6).minusSeconds(60).plus(Duration.ofHours(1)));
    assertThat(second.getDataFrom()).isEqualTo(run.requests().get(0).getDataTo());
  }

  @Test
  void theRebasedReferenceSurvivesARestartAndAReplayDoesNotRebaseAgain() {
    MonitorStore store = MonitorStore.open(StateBackend.SQLITE.spec(dir), SPEC.model());
    Runs runs = new Runs();
    Stored stored = new Stored();
    DriftMonitor first = monitor(MonitorState.initial(), runs, stored);
    Run before = feed(first, runs, stored, 0, 8, RunState.PROMOTED, 6);
    assertThat(before.outcomes().get(6).rebased()).isTrue();
    String rebasedId = first.referenceId();
    store.save(first.state());

    DriftMonitor resumed = monitor(store.load(), runs, stored);
    assertThat(resumed.referenceId()).isEqualTo(rebasedId);
    assertThat(resumed.reference().toBytes()).isEqualTo(first.reference().toBytes());
    // replayed windows (late now) and new ones: the run store still says PROMOTED, but the key
    // was released before the restart; nothing re-bases, nothing is requested
    List<DriftMonitor.Outcome> after = new ArrayList<>();
    for (int w = 5; w < WINDOWS; w++) {
      after.add(resumed.onWindow(start(w), start(w + 1), window(w)));
    }
    assertThat(after).noneMatch(o -> o.rebase().isPresent());
    assertThat(after).allMatch(o -> o.request().isEmpty());
    assertThat(after)
        .allMatch(o -> o.report().orElseThrow().getReferenceId().toString().equals(rebasedId));
    assertThat(stored.asked).isEqualTo(1);
    assertThat(resumed.referenceId()).isEqualTo(rebasedId);
  }
}
