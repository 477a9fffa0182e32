package io.driftgate.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.testing.StateBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link FinishedRuns#of(RunStore)} over the launcher's run store (SQLite). */
class FinishedRunsTest {
  @TempDir Path dir;

  @Test
  void onlyTerminalRunsAreFinishedAtWhenTheyEnteredThatState() {
    io.driftgate.core.testing.MutableClock clock =
        new io.driftgate.core.testing.MutableClock(RunMachineTest.T0);
    RunMachine machine = new RunMachine(RunPolicy.defaults(), clock);
    io.driftgate.core.spec.StateSpec state = StateBackend.SQLITE.spec(dir);
    JdbcRunStore store = JdbcRunStore.open(state);
    RetrainRun going = machine.request("k-going", "flight-delay", RunMachineTest.request());
    going = machine.apply(going, new RunEvent.Admit()).run();
    RetrainRun cancelled = machine.request("k-cancelled", "flight-delay", RunMachineTest.request());
    store.create(going);
    store.create(cancelled);
    clock.advance(Duration.ofMinutes(7));
    cancelled = machine.apply(cancelled, new RunEvent.Cancel("operator")).run();
    assertThat(cancelled.state()).isEqualTo(RunState.CANCELLED);
    store.get("k-cancelled");
    store.save(cancelled);

    FinishedRuns finished = FinishedRuns.of(JdbcRunStore.open(state));
    assertThat(finished.finished(List.of("k-going", "k-cancelled", "k-unknown")))
        .containsOnlyKeys("k-cancelled")
        .containsEntry(
            "k-cancelled",
            FinishedRuns.Finished.unpromoted(
                RunMachineTest.T0.plus(Duration.ofMinutes(7)), RunState.CANCELLED));
    assertThat(FinishedRuns.none().finished(List.of("k-cancelled"))).isEmpty();
  }

  /**
   * A run in {@code state}, entered at {@code at}, for the range of {@link RunMachineTest#request}.
   */
  static RetrainRun ended(String key, RunState state, java.time.Instant at) {
    RetrainRun r = RetrainRun.requested(key, "flight-delay", RunMachineTest.request(), at);
    return new RetrainRun(
        key,
        r.model(),
        r.request(),
        state,
        1,
        true,
        null,
        at,
        at,
        at,
        r.history(),
        java.util.Map.of(),
        null,
        null);
  }

  @Test
  void aPromotedRunTellsWhatItsModelWasTrainedOnOthersOnlyHowTheyEnded() {
    JdbcRunStore store = JdbcRunStore.open(StateBackend.SQLITE.spec(dir));
    java.time.Instant at = RunMachineTest.T0.plus(Duration.ofHours(2));
    store.create(ended("k-promoted", RunState.PROMOTED, at));
    store.create(ended("k-rejected", RunState.REJECTED, at));
    store.create(ended("k-failed", RunState.FAILED, at));

    var finished = FinishedRuns.of(store).finished(List.of("k-promoted", "k-rejected", "k-failed"));

    RunRequest r = RunMachineTest.request();
    assertThat(finished.get("k-promoted"))
        .isEqualTo(FinishedRuns.Finished.promoted(at, r.dataFrom(), r.dataTo()));
    assertThat(finished.get("k-promoted").promoted()).isTrue();
    assertThat(finished.get("k-rejected"))
        .isEqualTo(FinishedRuns.Finished.unpromoted(at, RunState.REJECTED));
    assertThat(finished.get("k-failed").trainedOn()).isNull();
    assertThat(finished.get("k-failed").promoted()).isFalse();
  }

  @Test
  void onlyAPromotionCarriesATrainingRange() {
    java.time.Instant at = RunMachineTest.T0;
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new FinishedRuns.Finished(
                    at, RunState.REJECTED, new FinishedRuns.TrainedOn(at, at)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PROMOTED");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new FinishedRuns.Finished(at, RunState.PROMOTED, null))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> FinishedRuns.Finished.unpromoted(at, RunState.GATING))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("terminal");
  }
}
