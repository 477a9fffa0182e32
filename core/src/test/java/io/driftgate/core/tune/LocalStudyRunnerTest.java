package io.driftgate.core.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftgate.core.tune.testing.FakeTrainingMain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The runner supervising real child JVMs running {@link FakeTrainingMain}. */
@Timeout(120)
class LocalStudyRunnerTest {
  private static final JavaTrialLauncher LAUNCHER =
      JavaTrialLauncher.of(
          FakeTrainingMain.class,
          "-Xmx64m",
          "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1",
          "-XX:-UsePerfData",
          "-Xshare:auto");

  @TempDir Path dir;

  private static LocalStudyRunner runner() {
    return new LocalStudyRunner()
        .pollInterval(Duration.ofMillis(50))
        .startupGrace(Duration.ofSeconds(30))
        .stopGrace(Duration.ofSeconds(10));
  }

  private static SearchSpace grid(List<Object> lrs, List<Object> momenta) {
    return SearchSpace.builder()
        .add("lr", SearchSpace.choice(lrs.toArray()))
        .add("momentum", SearchSpace.choice(momenta.toArray()))
        .build();
  }

  /** Pids of every start of the trial (the fake appends its pid to {@code runs}). */
  private List<Long> runs(Path study, int i) throws IOException {
    Path f = StudyFiles.trialDir(study, i).resolve("runs");
    return Files.exists(f)
        ? Files.readAllLines(f).stream().map(String::trim).map(Long::parseLong).toList()
        : List.of();
  }

  private void assertDead(Path study, int i) throws IOException {
    for (long pid : runs(study, i)) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
          .as("process %d of trial %d", pid, i)
          .isFalse();
    }
  }

  @Test
  void gridWithCrashAndNanCompletesAndFindsTheOptimum() throws Exception {
    StudySpec spec =
        StudySpec.builder(grid(List.of(0.01, 0.1, 0.5), List.of(0.5, 0.9, 0.99)))
            .name("lr-momentum")
            .parallelism(3)
            .heartbeatTimeout(Duration.ofSeconds(20))
            .trialTimeout(Duration.ofSeconds(60))
            .baseParams(
                Map.of(
                    "epochs", "4",
                    "epochMs", "10",
                    "failAt", "2",
                    "behaviour.2", "crash",
                    "behaviour.6", "nan-silent"))
            .build();
    StudyResult result = runner().run(spec, dir, LAUNCHER);

    assertThat(result.trials()).hasSize(9);
    assertThat(result.trial(2).status()).isEqualTo(TrialStatus.FAILED);
    assertThat(result.trial(2).reason()).isEqualTo("exit code 3");
    assertThat(result.trial(6).status()).isEqualTo(TrialStatus.FAILED);
    assertThat(result.trial(6).reason()).isEqualTo(TrialResult.REASON_NAN);
    assertThat(result.count(TrialStatus.COMPLETED)).isEqualTo(7);
    for (TrialResult t : result.trials()) {
      if (t.index() != 2 && t.index() != 6) {
        assertThat(t.status()).as("trial %d", t.index()).isEqualTo(TrialStatus.COMPLETED);
        assertThat(t.epochs()).isEqualTo(4);
        double lr = Double.parseDouble(t.params().get("lr"));
        double m = Double.parseDouble(t.params().get("momentum"));
        assertThat(t.objective()).isCloseTo(FakeTrainingMain.loss(lr, m, 4), within());
      }
      assertThat(StudyFiles.status(dir, t.index())).exists();
    }
    // the silent NaN trial kept heartbeating: the runner had to kill it
    assertDead(dir, 6);
    TrialResult best = result.best().orElseThrow();
    assertThat(best.index()).isEqualTo(4);
    assertThat(best.params()).containsEntry("lr", "0.1").containsEntry("momentum", "0.9");
    assertThat(best.objective()).isCloseTo(0.25, within());

    List<String> table = Files.readAllLines(StudyFiles.table(dir));
    assertThat(table).hasSize(10);
    assertThat(table.get(0))
        .startsWith("trial,status,reason,objective,durationMs,epochs,param.lr,param.momentum");
    assertThat(table.get(3)).startsWith("2,FAILED,exit code 3,");
    assertThat(table.get(7)).startsWith("6,FAILED,nan,");
    assertThat(table.get(5)).startsWith("4,COMPLETED,,0.25,");
    JsonNode results = StudyFiles.JSON.readTree(Files.readString(StudyFiles.results(dir)));
    assertThat(results.path("best").path("trial").asInt()).isEqualTo(4);
    assertThat(results.path("counts").path("COMPLETED").asInt()).isEqualTo(7);
    assertThat(results.path("counts").path("FAILED").asInt()).isEqualTo(2);
    assertThat(StudySpec.fromJson(Files.readString(StudyFiles.studyJson(dir)))).isEqualTo(spec);
  }

  @Test
  void hangIsKilledOnHeartbeatTimeoutAndSlowTrialOnTrialTimeout() throws Exception {
    StudySpec spec =
        StudySpec.builder(grid(List.of(0.1), List.of(0.9, 0.8)))
            .parallelism(2)
            .heartbeatTimeout(Duration.ofMillis(1500))
            // Generous: on a loaded 2-core machine a trial JVM can take seconds to start, and the
            // hang must be caught by its missing heartbeat well before this.
            .trialTimeout(Duration.ofSeconds(12))
            .baseParams(
                Map.of(
                    "epochs", "3",
                    "failAt", "2",
                    "behaviour.0", "hang",
                    "behaviour.1", "slow"))
            .build();
    StudyResult result = runner().run(spec, dir, LAUNCHER);

    TrialResult hang = result.trial(0);
    assertThat(hang.status()).isEqualTo(TrialStatus.FAILED);
    assertThat(hang.reason()).isEqualTo(TrialResult.REASON_HEARTBEAT_TIMEOUT);
    assertThat(hang.epochs()).isEqualTo(1);
    // Killed for its silence, not by the trial timeout. (How soon after the last beat is a matter
    // of scheduling: a timed bound here failed on a loaded machine, so none is asserted.)
    assertThat(hang.durationMs()).isLessThan(12_000);
    TrialResult slow = result.trial(1);
    assertThat(slow.status()).isEqualTo(TrialStatus.FAILED);
    assertThat(slow.reason()).isEqualTo(TrialResult.REASON_TRIAL_TIMEOUT);
    assertThat(slow.durationMs()).isGreaterThanOrEqualTo(12_000L);
    assertDead(dir, 0);
    assertDead(dir, 1);
    assertThat(result.best()).isEmpty();
  }

  @Test
  void ashaPrunesBadTrialsAndKeepsTheBest() throws Exception {
    StudySpec spec =
        StudySpec.builder(grid(List.of(0.1, 0.3, 1.0), List.of(0.9, 0.8, 0.7)))
            .objective(Objective.maximize("val_auc"))
            .asha(new Asha(1, 3, 9))
            .parallelism(2)
            .heartbeatTimeout(Duration.ofSeconds(20))
            .baseParams(Map.of("epochs", "9", "epochMs", "60"))
            .build();
    StudyResult result = runner().run(spec, dir, LAUNCHER);

    TrialResult best = result.best().orElseThrow();
    assertThat(best.index()).isZero();
    assertThat(best.status()).isEqualTo(TrialStatus.COMPLETED);
    assertThat(best.epochs()).isEqualTo(9);
    assertThat(best.objective()).isCloseTo(1 - FakeTrainingMain.loss(0.1, 0.9, 9) / 4, within());
    for (int i = 6; i < 9; i++) { // lr = 1.0: clearly bad
      TrialResult t = result.trial(i);
      assertThat(t.status()).as("trial %d", i).isEqualTo(TrialStatus.PRUNED);
      assertThat(t.epochs()).isLessThan(9);
      assertThat(StudyFiles.stop(dir, i)).exists();
    }
    for (TrialResult t : result.trials()) {
      assertThat(t.status()).isIn(TrialStatus.COMPLETED, TrialStatus.PRUNED);
      if (t.status() == TrialStatus.PRUNED) {
        assertThat(t.epochs()).isLessThan(9);
        assertThat(t.objective()).isNotNull();
      } else {
        assertThat(t.epochs()).isEqualTo(9);
      }
    }
  }

  @Test
  void trialIgnoringStopIsKilledAfterTheGraceAndEndsPruned() throws Exception {
    StudySpec spec =
        StudySpec.builder(grid(List.of(0.1, 1.0), List.of(0.9)))
            .asha(new Asha(1, 2, 30))
            .heartbeatTimeout(Duration.ofSeconds(20))
            .baseParams(Map.of("epochs", "30", "epochMs", "50", "behaviour.1", "ignore-stop"))
            .build();
    StudyResult result = runner().stopGrace(Duration.ofMillis(500)).run(spec, dir, LAUNCHER);
    assertThat(result.trial(0).status()).isEqualTo(TrialStatus.COMPLETED);
    // trial 1 is worse at rung 1 and told to stop, but trains on: killed after the grace
    TrialResult stubborn = result.trial(1);
    assertThat(stubborn.status()).isEqualTo(TrialStatus.PRUNED);
    assertThat(stubborn.reason()).isEqualTo(TrialResult.REASON_PRUNED);
    assertThat(stubborn.epochs()).isBetween(1, 29);
    assertThat(StudyFiles.stop(dir, 1)).exists();
    assertDead(dir, 1);
  }

  @Test
  void randomSearchHonoursMaxTrialsWithSeededParams() throws Exception {
    StudySpec spec =
        StudySpec.builder(
                SearchSpace.builder()
                    .add("lr", SearchSpace.logUniform(0.01, 1))
                    .add("momentum", SearchSpace.uniform(0.5, 0.99))
                    .build())
            .algorithm(Algorithm.RANDOM)
            .maxTrials(3)
            .parallelism(3)
            .seed(2024)
            .baseParams(Map.of("epochs", "2"))
            .build();
    StudyResult result = runner().run(spec, dir, LAUNCHER);
    assertThat(result.trials()).hasSize(3);
    assertThat(result.count(TrialStatus.COMPLETED)).isEqualTo(3);
    assertThat(StudyFiles.trialDir(dir, 3)).doesNotExist();
    for (int i = 0; i < 3; i++) {
      assertThat(StudyFiles.readParams(StudyFiles.params(dir, i))).isEqualTo(spec.paramsFor(i));
      assertThat(result.trial(i).params()).isEqualTo(spec.paramsFor(i));
    }
    double bestLoss =
        result.trials().stream().mapToDouble(TrialResult::objective).min().orElseThrow();
    assertThat(result.best().orElseThrow().objective()).isEqualTo(bestLoss);
  }

  @Test
  void maxWallTimeSkipsTheRest() throws Exception {
    StudySpec spec =
        StudySpec.builder(grid(List.of(0.1, 0.2), List.of(0.9, 0.8)))
            .parallelism(1)
            .maxWallTime(Duration.ofSeconds(3))
            .baseParams(Map.of("epochs", "10", "epochMs", "150"))
            .build();
    long t0 = System.nanoTime();
    StudyResult result = runner().run(spec, dir, LAUNCHER);
    long wallMs = (System.nanoTime() - t0) / 1_000_000;
    assertThat(wallMs).isGreaterThanOrEqualTo(3_000L); // no upper bound: scheduling, not behaviour
    assertThat(result.trials()).hasSize(4);
    assertThat(result.count(TrialStatus.SKIPPED)).isGreaterThanOrEqualTo(2);
    assertThat(result.count(TrialStatus.COMPLETED) + result.count(TrialStatus.SKIPPED))
        .isEqualTo(4);
    assertThat(result.trial(3).status()).isEqualTo(TrialStatus.SKIPPED);
    assertThat(runs(dir, 3)).isEmpty(); // never started
    for (TrialResult t : result.trials()) {
      if (t.status() == TrialStatus.SKIPPED) {
        assertThat(t.reason()).isEqualTo(TrialResult.REASON_WALL_TIME);
        assertThat(StudyFiles.status(dir, t.index())).doesNotExist();
      }
      assertDead(dir, t.index());
    }
  }

  @Test
  void resumeKeepsFinishedTrialsAndRerunsTheRest() throws Exception {
    StudySpec spec =
        StudySpec.builder(grid(List.of(0.1, 0.5), List.of(0.9, 0.5)))
            .parallelism(1)
            .baseParams(Map.of("epochs", "3", "epochMs", "30"))
            .build();
    LocalStudyRunner first = runner();
    AtomicInteger launches = new AtomicInteger();
    TrialLauncher abortOnThird =
        (i, study) -> {
          Process p = LAUNCHER.launch(i, study);
          if (launches.incrementAndGet() == 3) {
            first.abort(); // the tuner "crashes" with trial 2 running
          }
          return p;
        };
    StudyResult aborted = first.run(spec, dir, abortOnThird);
    assertThat(aborted.aborted()).isTrue();
    assertThat(aborted.trial(0).status()).isEqualTo(TrialStatus.COMPLETED);
    assertThat(aborted.trial(1).status()).isEqualTo(TrialStatus.COMPLETED);
    assertThat(aborted.trial(2).status()).isEqualTo(TrialStatus.SKIPPED);
    assertThat(aborted.trial(3).status()).isEqualTo(TrialStatus.SKIPPED);
    assertThat(StudyFiles.status(dir, 2)).doesNotExist();
    assertDead(dir, 2);

    Map<Integer, FileTime> mtimes = new HashMap<>();
    for (int i = 0; i < 2; i++) {
      mtimes.put(i, Files.getLastModifiedTime(StudyFiles.status(dir, i)));
    }
    Map<Integer, String> paramsText = new HashMap<>();
    for (int i = 0; i < 4; i++) {
      paramsText.put(i, Files.readString(StudyFiles.params(dir, i)));
    }

    StudyResult resumed = runner().run(spec, dir, LAUNCHER);
    assertThat(resumed.aborted()).isFalse();
    assertThat(resumed.count(TrialStatus.COMPLETED)).isEqualTo(4);
    assertThat(runs(dir, 0)).hasSize(1);
    assertThat(runs(dir, 1)).hasSize(1);
    assertThat(runs(dir, 2)).hasSizeBetween(1, 2); // killed maybe before it got going
    assertThat(runs(dir, 3)).hasSize(1);
    for (int i = 0; i < 2; i++) {
      assertThat(Files.getLastModifiedTime(StudyFiles.status(dir, i))).isEqualTo(mtimes.get(i));
    }
    for (int i = 0; i < 4; i++) {
      assertThat(Files.readString(StudyFiles.params(dir, i))).isEqualTo(paramsText.get(i));
      assertThat(resumed.trial(i).params()).isEqualTo(spec.paramsFor(i));
    }
    assertThat(Files.readAllLines(StudyFiles.metrics(dir, 2))).hasSize(3); // restarted clean
    assertThat(resumed.best().orElseThrow().index()).isZero();

    // a trial that was running when the tuner died has no status.json: only it runs again
    Files.delete(StudyFiles.status(dir, 1));
    StudyResult again = runner().run(spec, dir, LAUNCHER);
    assertThat(again.count(TrialStatus.COMPLETED)).isEqualTo(4);
    assertThat(runs(dir, 0)).hasSize(1);
    assertThat(runs(dir, 1)).hasSize(2);
    assertThat(runs(dir, 3)).hasSize(1);

    // a different study in the same directory is refused before anything runs
    StudySpec other =
        StudySpec.builder(grid(List.of(0.2, 0.5), List.of(0.9, 0.5))).parallelism(1).build();
    assertThatThrownBy(() -> runner().run(other, dir, LAUNCHER))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("different study");
    assertThat(runs(dir, 0)).hasSize(1);
  }

  @Test
  void resumeKillsAnOrphanedTrialOfACrashedTunerFirst() throws Exception {
    StudySpec spec =
        StudySpec.builder(grid(List.of(0.1), List.of(0.9)))
            .baseParams(Map.of("epochs", "2", "behaviour", "slow-first-run", "failAt", "1"))
            .build();
    // what a crashed tuner leaves behind: params, pid file and a trial still running
    Files.createDirectories(StudyFiles.trialDir(dir, 0));
    StudyFiles.writeParams(StudyFiles.params(dir, 0), spec.paramsFor(0));
    Process orphan = LAUNCHER.launch(0, dir.toAbsolutePath());
    StudyFiles.writeAtomic(StudyFiles.pid(dir, 0), Long.toString(orphan.pid()));
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (runs(dir, 0).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(orphan.isAlive()).isTrue();

    StudyResult result = runner().run(spec, dir, LAUNCHER);
    assertThat(orphan.isAlive()).isFalse();
    assertThat(result.trial(0).status()).isEqualTo(TrialStatus.COMPLETED);
    assertThat(runs(dir, 0)).hasSize(2).startsWith(orphan.pid());
    assertThat(Files.readAllLines(StudyFiles.metrics(dir, 0))).hasSize(2);
  }

  @Test
  void launchFailureEndsTheTrialFailedAndTheStudyGoesOn() throws Exception {
    StudySpec spec = StudySpec.builder(grid(List.of(0.1), List.of(0.9, 0.8))).build();
    TrialLauncher broken =
        (i, study) -> {
          if (i == 0) {
            throw new IOException("no java here");
          }
          return LAUNCHER.launch(i, study);
        };
    StudyResult result = runner().run(spec, dir, broken);
    assertThat(result.trial(0).status()).isEqualTo(TrialStatus.FAILED);
    assertThat(result.trial(0).reason()).isEqualTo("launch failed: no java here");
    assertThat(result.trial(1).status()).isEqualTo(TrialStatus.COMPLETED);
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-9);
  }
}
