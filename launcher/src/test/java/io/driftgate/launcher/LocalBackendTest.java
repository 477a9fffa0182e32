package io.driftgate.launcher;

import static io.driftgate.launcher.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.run.JdbcRunStore;
import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunPolicy;
import io.driftgate.core.run.RunState;
import io.driftgate.core.run.Transition;
import io.driftgate.core.spec.LauncherConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalBackendTest {
  @TempDir Path dir;

  final LauncherConfig config =
      LauncherConfig.parse(
          Map.of("maxAttempts", 3, "initialBackoff", "50ms", "maxBackoff", "100ms"));

  /** Tunes by "training" a model dir named after the run; fails transiently the first n times. */
  static final class FlakyTuning implements TuningStep {
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    final int failures;

    FlakyTuning(int failures) {
      this.failures = failures;
    }

    @Override
    public Result tune(RetrainRun run, int attempt) {
      int n = calls.computeIfAbsent(run.key(), k -> new AtomicInteger()).incrementAndGet();
      if (n <= failures) {
        throw StepException.transientFailure("node lost (call " + n + ")");
      }
      return new Result(
          Map.of("lr", "0.1", "momentum", "0.9"),
          2,
          "/models/" + run.key(),
          "/studies/" + run.key());
    }
  }

  /** Promotes models whose dir ends with "good", rejects the others. */
  static final GateStep GATE =
      (run, modelDir, claim) -> {
        if (!claim.mayApply()) {
          throw new GateStep.NotApplied("refused");
        }
        return modelDir.endsWith("good")
            ? new GateStep.Verdict(true, "v1", "better on auc")
            : new GateStep.Verdict(false, null, "no significant gain");
      };

  @Test
  void anotherWritersTransitionWinsOverTheLaunchersStaleCopy() throws Exception {
    CountDownLatch tuning = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger gated = new AtomicInteger();
    TuningStep held =
        (run, attempt) -> {
          tuning.countDown();
          release.await(30, TimeUnit.SECONDS);
          return new TuningStep.Result(Map.of("lr", "0.1"), 0, "/models/good", null);
        };
    GateStep gate =
        (run, modelDir, claim) -> {
          gated.incrementAndGet();
          return new GateStep.Verdict(true, "v1", "better");
        };
    try (Launcher l =
        Fixtures.launcher(Fixtures.store(dir), new LocalBackend(held, gate, 1), config, 1)) {
      l.start();
      assertThat(l.accept(request("k"))).isTrue();
      assertThat(tuning.await(10, TimeUnit.SECONDS)).isTrue();
      // Meanwhile another process (an operator's 'runs cancel' on the store) cancels the run.
      JdbcRunStore other = Fixtures.store(dir);
      RetrainRun stored = other.get("k").orElseThrow();
      RetrainRun cancelled =
          new io.driftgate.core.run.RunMachine(RunPolicy.of(config), java.time.Clock.systemUTC())
              .apply(stored, new io.driftgate.core.run.RunEvent.Cancel("elsewhere"))
              .run();
      other.save(cancelled);
      release.countDown();
      // The launcher's transition (tuning succeeded) is refused: it goes on from the stored run.
      RetrainRun after = Fixtures.await(l, "k", RunState.CANCELLED);
      assertThat(after.failure()).isEqualTo("cancelled: elsewhere");
      Thread.sleep(300);
      assertThat(gated).hasValue(0);
      assertThat(Fixtures.store(dir).get("k").orElseThrow()).isEqualTo(cancelled);
    }
  }

  @Test
  void aRunCancelledWhileItsLocalGateDecidesTakesNoPromotion() throws Exception {
    CountDownLatch gating = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<Boolean> answer = new AtomicReference<>();
    AtomicInteger registryWrites = new AtomicInteger();
    // Like GateService: the gate's own work does not stop on an interrupt; it asks the claim
    // before it registers the version and moves the aliases.
    GateStep gate =
        (run, modelDir, claim) -> {
          gating.countDown();
          boolean interrupted = false;
          while (true) {
            try {
              if (release.await(30, TimeUnit.SECONDS)) {
                break;
              }
            } catch (InterruptedException e) {
              interrupted = true;
            }
          }
          boolean may = claim.mayApply();
          answer.set(may);
          if (interrupted) {
            Thread.currentThread().interrupt();
          }
          if (!may) {
            throw new GateStep.NotApplied("cancelled meanwhile");
          }
          registryWrites.incrementAndGet();
          return new GateStep.Verdict(true, "v1", "better");
        };
    try (Launcher l =
        Fixtures.launcher(
            Fixtures.store(dir), new LocalBackend(new FlakyTuning(0), gate, 1), config, 1)) {
      l.start();
      assertThat(l.accept(request("good"))).isTrue();
      assertThat(gating.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(l.cancel("good", "operator")).isPresent();
      release.countDown();
      RetrainRun after = Fixtures.await(l, "good", RunState.CANCELLED);
      Fixtures.await(answer::get, a -> a != null, "the gate asked its claim");
      assertThat(answer.get()).as("the claim of a cancelled run").isFalse();
      assertThat(registryWrites).hasValue(0);
      Thread.sleep(200);
      assertThat(Fixtures.store(dir).get("good").orElseThrow()).isEqualTo(after);
      assertThat(after.results().modelVersion()).isNull();
    }
  }

  @Test
  void runsThroughTuningAndGateToPromotedOrRejected() throws Exception {
    LocalBackend backend = new LocalBackend(new FlakyTuning(0), GATE, 2);
    try (Launcher l = Fixtures.launcher(Fixtures.store(dir), backend, config, 2)) {
      l.start();
      assertThat(l.accept(request("good"))).isTrue();
      assertThat(l.accept(request("meh"))).isTrue();
      RetrainRun good = Fixtures.await(l, "good", RunState.PROMOTED);
      RetrainRun meh = Fixtures.await(l, "meh", RunState.REJECTED);
      assertThat(good.results().bestParams()).containsEntry("lr", "0.1");
      assertThat(good.results().bestTrial()).isEqualTo(2);
      assertThat(good.results().modelVersion()).isEqualTo("v1");
      assertThat(good.history())
          .extracting(Transition::to)
          .containsSubsequence(
              RunState.TUNING, RunState.TRAINING_BEST, RunState.GATING, RunState.PROMOTED);
      assertThat(meh.results().gateReason()).isEqualTo("no significant gain");
      assertThat(Fixtures.store(dir).get("good").orElseThrow()).isEqualTo(good);
    }
  }

  @Test
  void transientFailuresAreRetriedWithBackoffThenFail() throws Exception {
    try (Launcher l =
        Fixtures.launcher(
            Fixtures.store(dir), new LocalBackend(new FlakyTuning(2), GATE, 1), config, 1)) {
      l.start();
      l.accept(request("good"));
      RetrainRun r = Fixtures.await(l, "good", RunState.PROMOTED);
      assertThat(r.history().stream().map(Transition::reason))
          .anyMatch(s -> s.startsWith("tune attempt 1/3 failed: node lost (call 1); retry in 50ms"))
          .anyMatch(
              s -> s.startsWith("tune attempt 2/3 failed: node lost (call 2); retry in 100ms"));
    }
    try (Launcher l =
        Fixtures.launcher(
            Fixtures.store(dir.resolve("b")),
            new LocalBackend(new FlakyTuning(5), GATE, 1),
            config,
            1)) {
      l.start();
      l.accept(request("good"));
      RetrainRun r = Fixtures.await(l, "good", RunState.FAILED);
      assertThat(r.failure())
          .isEqualTo("tune attempt 3/3 failed: node lost (call 3) (no attempts left)");
    }
  }

  @Test
  void maxInFlightQueuesTheRestAndCancelInterruptsTheStep() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    TuningStep blocking =
        (run, attempt) -> {
          if (run.key().equals("slow")) {
            started.countDown();
            try {
              Thread.sleep(60_000);
            } catch (InterruptedException e) {
              interrupted.countDown();
              throw e;
            }
          }
          return new TuningStep.Result(Map.of(), 0, "/m/good", null);
        };
    LocalBackend backend = new LocalBackend(blocking, GATE, 2);
    try (Launcher l = Fixtures.launcher(Fixtures.store(dir), backend, config, 1)) {
      l.start();
      l.accept(request("slow"));
      l.accept(request("queued"));
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      Fixtures.sleep(100);
      assertThat(l.run("slow").orElseThrow().state()).isEqualTo(RunState.TUNING);
      assertThat(l.run("queued").orElseThrow().state()).isEqualTo(RunState.REQUESTED);

      RetrainRun c = l.cancel("slow", "operator").orElseThrow();
      assertThat(c.state()).isEqualTo(RunState.CANCELLED);
      assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
      Fixtures.await(l, "queued", RunState.PROMOTED);
      assertThat(l.run("slow").orElseThrow().state()).isEqualTo(RunState.CANCELLED);
    }
  }

  @Test
  void restartResumesInFlightRunsAndDedupesKnownKeys() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    TuningStep hang =
        (run, attempt) -> {
          started.countDown();
          Thread.sleep(60_000);
          return null;
        };
    try (Launcher l =
        Fixtures.launcher(Fixtures.store(dir), new LocalBackend(hang, GATE, 1), config, 1)) {
      l.start();
      l.accept(request("good"));
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    } // "crash": the step dies with the launcher
    AtomicInteger tuned = new AtomicInteger();
    TuningStep ok =
        (run, attempt) -> {
          tuned.incrementAndGet();
          return new TuningStep.Result(Map.of(), 1, "/m/good", null);
        };
    try (Launcher l =
        Fixtures.launcher(Fixtures.store(dir), new LocalBackend(ok, GATE, 1), config, 1)) {
      l.start();
      assertThat(l.accept(request("good"))).isFalse();
      Fixtures.await(l, "good", RunState.PROMOTED);
      assertThat(tuned.get()).isEqualTo(1);
      assertThat(l.runs()).hasSize(1);
    }
  }
}
