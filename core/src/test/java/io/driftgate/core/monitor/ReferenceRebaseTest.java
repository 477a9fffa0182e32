package io.driftgate.core.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.drift.profile.DatasetProfile;
import io.driftgate.core.drift.profile.ProfileBuilder;
import io.driftgate.core.drift.profile.ProfiledFeature;
import io.driftgate.core.run.FinishedRuns;
import io.driftgate.core.run.FinishedRuns.Finished;
import io.driftgate.core.run.RunState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link ReferenceRebase}: which finished run moves the reference, and the range's profile. */
class ReferenceRebaseTest {
  static final Instant T = Instant.parse("2026-01-05T00:00:00Z");
  static final FinishedRuns.TrainedOn RANGE =
      new FinishedRuns.TrainedOn(T.plusSeconds(600), T.plusSeconds(1800));

  static Instant at(int minutes) {
    return T.plusSeconds(60L * minutes);
  }

  static DatasetProfile profile(double... values) {
    ProfileBuilder b = new ProfileBuilder(List.of(ProfiledFeature.numeric("x")));
    for (double v : values) {
      b.accept(Map.of("x", v));
    }
    return b.build();
  }

  @Test
  void onlyAPromotionRebasesAndTheLastPromotionWins() {
    Map<String, Finished> rejected = new LinkedHashMap<>();
    rejected.put("k-rejected", Finished.unpromoted(at(90), RunState.REJECTED));
    rejected.put("k-failed", Finished.unpromoted(at(91), RunState.FAILED));
    rejected.put("k-cancelled", Finished.unpromoted(at(92), RunState.CANCELLED));
    assertThat(ReferenceRebase.choose("m", rejected, "first-400")).isEmpty();

    Map<String, Finished> mixed = new LinkedHashMap<>(rejected);
    mixed.put("k-new", Finished.promoted(at(80), at(30), at(60)));
    mixed.put("k-old", Finished.promoted(at(85), at(0), at(30)));
    ReferenceRebase.Rebase r = ReferenceRebase.choose("m", mixed, "first-400").orElseThrow();
    // promoted last (at 85): its model is the champion, though trained on older data
    assertThat(r.runKey()).isEqualTo("k-old");
    assertThat(r.trainedOn()).isEqualTo(new FinishedRuns.TrainedOn(at(0), at(30)));
    assertThat(r.referenceId())
        .isEqualTo("m@trained-2026-01-05T00:00:00Z-to-2026-01-05T00:30:00Z-run-k-old")
        .isEqualTo(ReferenceRebase.referenceId("m", "k-old", r.trainedOn()));
  }

  @Test
  void theReferenceOfThatRunAlreadyInUseIsNotRebasedAgain() {
    Map<String, Finished> released = Map.of("k", Finished.promoted(at(90), at(10), at(30)));
    String id = ReferenceRebase.choose("m", released, "first-400").orElseThrow().referenceId();
    assertThat(ReferenceRebase.choose("m", released, id)).isEmpty();
  }

  @Test
  void theRangeProfileMergesTheFullestPaneOfEachWindowInsideTheRange() {
    List<WindowProfileSource.Window> stored =
        List.of(
            // before the range
            new WindowProfileSource.Window(at(0), at(10), profile(100, 100)),
            new WindowProfileSource.Window(at(10), at(20), profile(1, 2)),
            // a late pane of the same window: accumulated, so it holds the on-time pane's rows
            new WindowProfileSource.Window(at(10), at(20), profile(1, 2, 3)),
            new WindowProfileSource.Window(at(20), at(30), profile(4, 5)),
            // ends after the range
            new WindowProfileSource.Window(at(30), at(40), profile(200)));

    DatasetProfile p = ReferenceRebase.profile(stored, RANGE).orElseThrow();

    assertThat(p.rowCount()).isEqualTo(5);
    var x = (io.driftgate.core.drift.profile.NumericProfile) p.feature("x").orElseThrow();
    assertThat(x.validCount()).isEqualTo(5);
    assertThat(x.min()).isEqualTo(1.0);
    assertThat(x.max()).isEqualTo(5.0);
    assertThat(x.mean()).isEqualTo(3.0);
    assertThat(ReferenceRebase.profile(stored.subList(0, 1), RANGE)).isEmpty();
    assertThat(ReferenceRebase.profile(List.of(), RANGE)).isEmpty();
  }
}
