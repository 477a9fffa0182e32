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
        .containsEntry("k-cancelled", RunMachineTest.T0.plus(Duration.ofMinutes(7)));
    assertThat(FinishedRuns.none().finished(List.of("k-cancelled"))).isEmpty();
  }
}
