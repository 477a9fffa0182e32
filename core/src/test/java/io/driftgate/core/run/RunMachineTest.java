package io.driftgate.core.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftgate.core.run.RunEvent.Admit;
import io.driftgate.core.run.RunEvent.Cancel;
import io.driftgate.core.run.RunEvent.GateDecided;
import io.driftgate.core.run.RunEvent.LakePinned;
import io.driftgate.core.run.RunEvent.StepFailed;
import io.driftgate.core.run.RunEvent.Submitted;
import io.driftgate.core.run.RunEvent.Tick;
import io.driftgate.core.run.RunEvent.TrainingSucceeded;
import io.driftgate.core.run.RunEvent.TuningSucceeded;
import io.driftgate.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunMachineTest {
  static final Instant T0 = Instant.parse("2024-03-01T10:00:00Z");

  final MutableClock clock = new MutableClock(T0);
  final RunPolicy policy =
      new RunPolicy(
          3,
          Duration.ofSeconds(10),
          Duration.ofSeconds(25),
          2.0,
          Map.of(
              RunState.REQUESTED, Duration.ofDays(1),
              RunState.TUNING, Duration.ofHours(2),
              RunState.TRAINING_BEST, Duration.ofHours(1),
              RunState.GATING, Duration.ofMinutes(30)));
  final RunMachine machine = new RunMachine(policy, clock);

  static RunRequest request() {
    return new RunRequest(
        List.of("drift"),
        Instant.parse("2024-02-01T00:00:00Z"),
        Instant.parse("2024-03-01T00:00:00Z"),
        null,
        T0);
  }

  RetrainRun run(String key) {
    return machine.request(key, "flight-delay", request());
  }

  Outcome apply(RetrainRun r, RunEvent e) {
    return machine.apply(r, e);
  }

  RetrainRun tuning() {
    RetrainRun r = apply(run("k1"), new Admit()).run();
    return apply(r, new Submitted(RunStep.TUNE, 1, Map.of("tuneJob", "dg-k1-tune-1"))).run();
  }

  RetrainRun training() {
    RetrainRun r =
        apply(tuning(), new TuningSucceeded(1, Map.of("lr", "0.1", "momentum", "0.9"), 3)).run();
    return apply(r, new Submitted(RunStep.BEST, 1, Map.of("bestJob", "dg-k1-best-1"))).run();
  }

  @Test
  void aGateDecisionMayBeAppliedOnlyWhileItsAttemptTrainsOrGates() {
    RetrainRun training = training();
    RetrainRun gating = apply(training, new TrainingSucceeded(1, "runs/k1/best-1")).run();
    assertThat(RunMachine.mayApplyGate(training, 1)).isTrue();
    assertThat(RunMachine.mayApplyGate(gating, 1)).isTrue();
    assertThat(RunMachine.mayApplyGate(gating, 2)).as("another attempt's decision").isFalse();
    assertThat(RunMachine.mayApplyGate(tuning(), 1)).isFalse();
    RetrainRun cancelled = apply(gating, new Cancel("operator")).run();
    assertThat(cancelled.state()).isEqualTo(RunState.CANCELLED);
    assertThat(RunMachine.mayApplyGate(cancelled, 1)).as("a cancelled run").isFalse();
    clock.advance(Duration.ofHours(2));
    RetrainRun timedOut = apply(gating, new Tick()).run();
    assertThat(timedOut.state()).isEqualTo(RunState.FAILED);
    assertThat(RunMachine.mayApplyGate(timedOut, 1)).isFalse();
    RetrainRun retrying =
        apply(gating, new StepFailed(RunStep.BEST, 1, "gate pod evicted", true)).run();
    assertThat(retrying.state()).isEqualTo(RunState.TRAINING_BEST);
    assertThat(RunMachine.mayApplyGate(retrying, 1)).as("attempt 1 was given up").isFalse();
  }

  @Test
  void happyPathToPromotedWithActionsAndHistory() {
    RetrainRun r = run("k1");
    assertThat(r.state()).isEqualTo(RunState.REQUESTED);
    assertThat(r.attempt()).isZero();

    Outcome admitted = apply(r, new Admit());
    assertThat(admitted.run().state()).isEqualTo(RunState.TUNING);
    assertThat(admitted.actions()).containsExactly(RunAction.submit(RunStep.TUNE, 1));
    assertThat(admitted.run().submitted()).isFalse();

    clock.advance(Duration.ofSeconds(1));
    Outcome sub = apply(admitted.run(), new Submitted(RunStep.TUNE, 1, Map.of("tuneJob", "j1")));
    assertThat(sub.run().submitted()).isTrue();
    assertThat(sub.run().handle("tuneJob")).isEqualTo("j1");
    assertThat(sub.actions()).isEmpty();

    clock.advance(Duration.ofMinutes(30));
    Outcome tuned = apply(sub.run(), new TuningSucceeded(1, Map.of("lr", "0.1"), 4));
    assertThat(tuned.run().state()).isEqualTo(RunState.TRAINING_BEST);
    assertThat(tuned.run().attempt()).isEqualTo(1);
    assertThat(tuned.run().results().bestParams()).containsEntry("lr", "0.1");
    assertThat(tuned.run().results().bestTrial()).isEqualTo(4);
    assertThat(tuned.actions()).containsExactly(RunAction.submit(RunStep.BEST, 1));
    assertThat(tuned.run().stateEnteredAt()).isEqualTo(clock.instant());

    RetrainRun best = apply(tuned.run(), new Submitted(RunStep.BEST, 1, Map.of())).run();
    Outcome trained = apply(best, new TrainingSucceeded(1, "/models/k1"));
    assertThat(trained.run().state()).isEqualTo(RunState.GATING);
    assertThat(trained.run().results().modelDir()).isEqualTo("/models/k1");

    Outcome gated = apply(trained.run(), new GateDecided(1, true, "v7", "auc +0.02"));
    assertThat(gated.run().state()).isEqualTo(RunState.PROMOTED);
    assertThat(gated.run().results().promoted()).isTrue();
    assertThat(gated.run().results().modelVersion()).isEqualTo("v7");
    assertThat(gated.run().history())
        .extracting(Transition::to)
        .containsExactly(
            RunState.REQUESTED,
            RunState.TUNING,
            RunState.TUNING,
            RunState.TRAINING_BEST,
            RunState.TRAINING_BEST,
            RunState.GATING,
            RunState.PROMOTED);
    assertThat(gated.run().history().get(6).reason()).contains("gate passed", "v7", "auc +0.02");
    assertThat(machine.nextWakeup(gated.run())).isEmpty();
  }

  @Test
  void lakePinnedStoresTheSnapshotThenSubmitsTheStudy() {
    RetrainRun admitted = apply(run("k1"), new Admit()).run();
    clock.advance(Duration.ofSeconds(3));
    Outcome pinned =
        apply(admitted, new LakePinned(1, "4711", "/lake/records/metadata/3.json", "covers it"));
    assertThat(pinned.changed()).isTrue();
    assertThat(pinned.actions()).containsExactly(RunAction.submit(RunStep.TUNE, 1));
    assertThat(pinned.run().state()).isEqualTo(RunState.TUNING);
    assertThat(pinned.run().submitted()).isFalse();
    assertThat(pinned.run().request().lakeSnapshot()).isEqualTo("4711");
    assertThat(pinned.run().request().lakeSnapshotId()).isEqualTo(4711L);
    assertThat(pinned.run().request().lakeMetadataLocation())
        .isEqualTo("/lake/records/metadata/3.json");
    assertThat(pinned.run().request().dataFrom()).isEqualTo(request().dataFrom());
    // the wait counts against the TUNING timeout: the state did not restart
    assertThat(pinned.run().stateEnteredAt()).isEqualTo(admitted.stateEnteredAt());
    Transition last = pinned.run().history().get(pinned.run().history().size() - 1);
    assertThat(last.reason()).isEqualTo("lake snapshot 4711 pinned: covers it");
    assertThat(last.at()).isEqualTo(clock.instant());

    // A second pin, a pin of another attempt or of a submitted study change nothing.
    assertThat(apply(pinned.run(), new LakePinned(1, "4712", null, "x")).changed()).isFalse();
    assertThat(apply(admitted, new LakePinned(2, "4712", null, "x")).changed()).isFalse();
    RetrainRun submitted =
        apply(admitted, new Submitted(RunStep.TUNE, 1, Map.of("tuneJob", "j"))).run();
    assertThat(apply(submitted, new LakePinned(1, "4712", null, "x")).changed()).isFalse();
    assertThat(apply(run("k2"), new LakePinned(0, "4712", null, "x")).changed()).isFalse();
  }

  @Test
  void gateRejects() {
    RetrainRun r = apply(training(), new TrainingSucceeded(1, "/m")).run();
    Outcome o = apply(r, new GateDecided(1, false, null, "forbidden feature in top-3"));
    assertThat(o.run().state()).isEqualTo(RunState.REJECTED);
    assertThat(o.run().results().promoted()).isFalse();
    assertThat(o.run().history().get(o.run().history().size() - 1).reason())
        .isEqualTo("gate rejected: forbidden feature in top-3");
  }

  @Test
  void verdictWhileTrainingPassesThroughGating() {
    Outcome o = apply(training(), new GateDecided(1, true, "v2", null));
    assertThat(o.run().state()).isEqualTo(RunState.PROMOTED);
    List<Transition> h = o.run().history();
    assertThat(h.get(h.size() - 2).to()).isEqualTo(RunState.GATING);
    assertThat(h.get(h.size() - 2).from()).isEqualTo(RunState.TRAINING_BEST);
  }

  @Test
  void transientFailuresRetryWithExponentialBackoffThenFail() {
    RetrainRun r = tuning();
    Outcome f1 = apply(r, new StepFailed(RunStep.TUNE, 1, "pod evicted", true));
    assertThat(f1.run().state()).isEqualTo(RunState.TUNING);
    assertThat(f1.run().attempt()).isEqualTo(2);
    assertThat(f1.run().submitted()).isFalse();
    assertThat(f1.run().retryAt()).isEqualTo(T0.plusSeconds(10));
    assertThat(f1.actions()).isEmpty();
    assertThat(machine.nextWakeup(f1.run())).contains(T0.plusSeconds(10));
    assertThat(f1.run().history().get(f1.run().history().size() - 1).reason())
        .isEqualTo("tune attempt 1/3 failed: pod evicted; retry in 10s");

    clock.advance(Duration.ofSeconds(9));
    assertThat(apply(f1.run(), new Tick()).changed()).isFalse();
    clock.advance(Duration.ofSeconds(1));
    Outcome due = apply(f1.run(), new Tick());
    assertThat(due.actions()).containsExactly(RunAction.submit(RunStep.TUNE, 2));
    assertThat(due.run().retryAt()).isNull();

    RetrainRun s2 = apply(due.run(), new Submitted(RunStep.TUNE, 2, Map.of())).run();
    Outcome f2 = apply(s2, new StepFailed(RunStep.TUNE, 2, "node lost", true));
    assertThat(f2.run().retryAt()).isEqualTo(clock.instant().plusSeconds(20));
    clock.advance(Duration.ofSeconds(20));
    RetrainRun s3 =
        apply(apply(f2.run(), new Tick()).run(), new Submitted(RunStep.TUNE, 3, Map.of())).run();

    Outcome f3 = apply(s3, new StepFailed(RunStep.TUNE, 3, "node lost", true));
    assertThat(f3.run().state()).isEqualTo(RunState.FAILED);
    assertThat(f3.run().failure())
        .isEqualTo("tune attempt 3/3 failed: node lost (no attempts left)");
    assertThat(f3.actions()).isEmpty();
  }

  @Test
  void backoffGrowsAndIsCapped() {
    assertThat(policy.backoff(1)).isEqualTo(Duration.ofSeconds(10));
    assertThat(policy.backoff(2)).isEqualTo(Duration.ofSeconds(20));
    assertThat(policy.backoff(3)).isEqualTo(Duration.ofSeconds(25));
    assertThat(policy.backoff(60)).isEqualTo(Duration.ofSeconds(25));
  }

  @Test
  void zeroBackoffResubmitsAtOnce() {
    RunMachine m =
        new RunMachine(new RunPolicy(2, Duration.ZERO, Duration.ZERO, 2.0, Map.of()), clock);
    RetrainRun r = m.apply(m.request("k", "m", request()), new Admit()).run();
    Outcome o = m.apply(r, new StepFailed(RunStep.TUNE, 1, "flaky", true));
    assertThat(o.actions()).containsExactly(RunAction.submit(RunStep.TUNE, 2));
    assertThat(o.run().retryAt()).isNull();
  }

  @Test
  void permanentFailureFailsAtOnce() {
    Outcome o = apply(tuning(), new StepFailed(RunStep.TUNE, 1, "trial index 3 failed", false));
    assertThat(o.run().state()).isEqualTo(RunState.FAILED);
    assertThat(o.run().failure())
        .isEqualTo("tune attempt 1/3 failed: trial index 3 failed (not retryable)");
  }

  @Test
  void failureWhileGatingRetriesTrainBestFromTrainingBest() {
    RetrainRun gating = apply(training(), new TrainingSucceeded(1, "/m")).run();
    clock.advance(Duration.ofMinutes(5));
    Outcome o = apply(gating, new StepFailed(RunStep.BEST, 1, "gate pod evicted", true));
    assertThat(o.run().state()).isEqualTo(RunState.TRAINING_BEST);
    assertThat(o.run().attempt()).isEqualTo(2);
    assertThat(o.run().stateEnteredAt()).isEqualTo(clock.instant());
  }

  @Test
  void eventsOfOlderAttemptsOrOtherStepsAreIgnored() {
    RetrainRun r = apply(tuning(), new StepFailed(RunStep.TUNE, 1, "evicted", true)).run();
    assertThat(apply(r, new TuningSucceeded(1, Map.of(), null)).changed()).isFalse();
    assertThat(apply(r, new StepFailed(RunStep.TUNE, 1, "late", true)).changed()).isFalse();
    assertThat(apply(r, new StepFailed(RunStep.BEST, 2, "wrong step", true)).changed()).isFalse();
    assertThat(apply(r, new TrainingSucceeded(2, "/m")).changed()).isFalse();
    assertThat(apply(run("q"), new TuningSucceeded(0, Map.of(), null)).changed()).isFalse();
  }

  @Test
  void duplicateSubmittedOnlyAddsNewHandles() {
    RetrainRun r = tuning();
    assertThat(
            apply(r, new Submitted(RunStep.TUNE, 1, Map.of("tuneJob", "dg-k1-tune-1"))).changed())
        .isFalse();
    Outcome o = apply(r, new Submitted(RunStep.TUNE, 1, Map.of("studyDir", "gs://b/s")));
    assertThat(o.changed()).isTrue();
    assertThat(o.run().handles()).containsKeys("tuneJob", "studyDir");
    assertThat(o.run().history()).hasSameSizeAs(r.history());
  }

  @Test
  void eachStateTimesOut() {
    RetrainRun t = tuning();
    assertThat(machine.nextWakeup(t)).contains(T0.plus(Duration.ofHours(2)));
    clock.advance(Duration.ofHours(2).minusMillis(1));
    assertThat(apply(t, new Tick()).changed()).isFalse();
    clock.advance(Duration.ofMillis(1));
    Outcome o = apply(t, new Tick());
    assertThat(o.run().state()).isEqualTo(RunState.FAILED);
    assertThat(o.run().failure()).isEqualTo("TUNING timed out after 2h");
    assertThat(o.actions()).containsExactly(RunAction.cancel(RunStep.TUNE, 1));

    RetrainRun tr = training();
    clock.advance(Duration.ofHours(1));
    Outcome o2 = apply(tr, new Tick());
    assertThat(o2.run().failure()).isEqualTo("TRAINING_BEST timed out after 1h");
    assertThat(o2.actions()).containsExactly(RunAction.cancel(RunStep.BEST, 1));

    RetrainRun g = apply(training(), new TrainingSucceeded(1, "/m")).run();
    clock.advance(Duration.ofMinutes(30));
    assertThat(apply(g, new Tick()).run().failure()).isEqualTo("GATING timed out after 30m");

    RetrainRun q = run("queued");
    clock.advance(Duration.ofDays(1));
    Outcome o3 = apply(q, new Tick());
    assertThat(o3.run().state()).isEqualTo(RunState.FAILED);
    assertThat(o3.actions()).isEmpty();
  }

  @Test
  void timeoutWinsOverADueRetry() {
    RetrainRun r = apply(tuning(), new StepFailed(RunStep.TUNE, 1, "evicted", true)).run();
    clock.advance(Duration.ofHours(3));
    Outcome o = apply(r, new Tick());
    assertThat(o.run().state()).isEqualTo(RunState.FAILED);
    assertThat(o.run().retryAt()).isNull();
  }

  @Test
  void cancelFromEveryNonTerminalState() {
    Outcome q = apply(run("q"), new Cancel("operator"));
    assertThat(q.run().state()).isEqualTo(RunState.CANCELLED);
    assertThat(q.run().failure()).isEqualTo("cancelled: operator");
    assertThat(q.actions()).isEmpty();

    Outcome t = apply(tuning(), new Cancel(null));
    assertThat(t.run().state()).isEqualTo(RunState.CANCELLED);
    assertThat(t.actions()).containsExactly(RunAction.cancel(RunStep.TUNE, 1));

    Outcome g = apply(apply(training(), new TrainingSucceeded(1, "/m")).run(), new Cancel("x"));
    assertThat(g.actions()).containsExactly(RunAction.cancel(RunStep.BEST, 1));
  }

  @Test
  void terminalRunsIgnoreEverything() {
    RetrainRun done = apply(tuning(), new Cancel("stop")).run();
    for (RunEvent e :
        List.of(
            new Admit(),
            new Tick(),
            new Cancel("again"),
            new TuningSucceeded(1, Map.of(), null),
            new StepFailed(RunStep.TUNE, 1, "x", true))) {
      Outcome o = apply(done, e);
      assertThat(o.changed()).isFalse();
      assertThat(o.run()).isSameAs(done);
    }
  }

  @Test
  void admitOnlyFromRequested() {
    assertThat(apply(tuning(), new Admit()).changed()).isFalse();
  }

  @Test
  void admissibleRespectsMaxInFlightOldestFirst() {
    List<RetrainRun> runs = new ArrayList<>();
    runs.add(tuning()); // in flight
    clock.advance(Duration.ofSeconds(1));
    runs.add(run("c"));
    clock.advance(Duration.ofSeconds(1));
    runs.add(run("b"));
    runs.add(run("a"));
    runs.add(apply(run("done"), new Cancel(null)).run());
    assertThat(RunMachine.admissible(runs, 1)).isEmpty();
    assertThat(RunMachine.admissible(runs, 2)).extracting(RetrainRun::key).containsExactly("c");
    assertThat(RunMachine.admissible(runs, 3))
        .extracting(RetrainRun::key)
        .containsExactly("c", "a");
    assertThat(RunMachine.admissible(runs, 10))
        .extracting(RetrainRun::key)
        .containsExactly("c", "a", "b");
  }

  @Test
  void resumeActionsResubmitTheCurrentStepUnlessWaitingForBackoff() {
    assertThat(RunMachine.resumeActions(tuning()))
        .containsExactly(RunAction.submit(RunStep.TUNE, 1));
    assertThat(RunMachine.resumeActions(training()))
        .containsExactly(RunAction.submit(RunStep.BEST, 1));
    assertThat(RunMachine.resumeActions(run("q"))).isEmpty();
    RetrainRun waiting = apply(tuning(), new StepFailed(RunStep.TUNE, 1, "evicted", true)).run();
    assertThat(RunMachine.resumeActions(waiting)).isEmpty();
  }

  @Test
  void policyValidation() {
    assertThatThrownBy(() -> new RunPolicy(0, Duration.ZERO, Duration.ZERO, 2, Map.of()))
        .hasMessageContaining("maxAttempts");
    assertThatThrownBy(
            () -> new RunPolicy(1, Duration.ofSeconds(5), Duration.ofSeconds(1), 2, Map.of()))
        .hasMessageContaining("initialBackoff <= maxBackoff");
    assertThatThrownBy(
            () ->
                new RunPolicy(
                    1,
                    Duration.ZERO,
                    Duration.ZERO,
                    2,
                    Map.of(RunState.FAILED, Duration.ofSeconds(1))))
        .hasMessageContaining("terminal");
    assertThatThrownBy(() -> new RunPolicy(1, Duration.ZERO, Duration.ZERO, 0.5, Map.of()))
        .hasMessageContaining("backoffMultiplier");
  }
}
