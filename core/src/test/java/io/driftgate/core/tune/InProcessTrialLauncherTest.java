package io.driftgate.core.tune;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Trials on threads of the test JVM, supervised by the same runner as child-JVM trials. */
@Timeout(120)
class InProcessTrialLauncherTest {
  @TempDir Path dir;

  private static LocalStudyRunner runner() {
    return new LocalStudyRunner()
        .pollInterval(Duration.ofMillis(20))
        .startupGrace(Duration.ofSeconds(30))
        .stopGrace(Duration.ofSeconds(10));
  }

  private static StudySpec spec(Duration heartbeatTimeout, Map<String, String> base) {
    return StudySpec.builder(
            SearchSpace.builder().add("lr", SearchSpace.choice(0.01, 0.1, 0.5)).build())
        .parallelism(2)
        .heartbeatTimeout(heartbeatTimeout)
        .trialTimeout(Duration.ofSeconds(60))
        .baseParams(base)
        .build();
  }

  /**
   * A trial body like a training's: reports {@code epochs} epochs of loss (lr - 0.1)^2 + 1/epoch,
   * completes; {@code behaviour.<i>=throw|hang} makes trial i throw or wait until interrupted.
   */
  private static int body(int index, Path study, java.io.PrintStream log, Set<String> threads)
      throws Exception {
    threads.add(Thread.currentThread().getName());
    TrialContext ctx = TrialContext.open(study, index);
    double lr = ctx.doubleParam("lr", Double.NaN);
    String behaviour = ctx.param("behaviour." + index, "");
    if (behaviour.equals("throw")) {
      throw new IllegalStateException("boom in trial " + index);
    }
    double loss = Double.NaN;
    for (int epoch = 1; epoch <= ctx.intParam("epochs", 2); epoch++) {
      loss = (lr - 0.1) * (lr - 0.1) + 1.0 / epoch;
      ctx.reportEpoch(epoch, Map.of("val_loss", loss));
      if (behaviour.equals("hang")) {
        while (true) {
          Thread.sleep(60_000); // an interrupt ends it
        }
      }
    }
    log.println("trial " + index + " done: " + loss);
    ctx.complete(loss, Map.of("val_loss", loss));
    return 0;
  }

  @Test
  void trialsRunOnThreadsWriteTheirFilesAndLogsAndTheBestIsFound() throws Exception {
    Set<String> threads = ConcurrentHashMap.newKeySet();
    StudyResult result =
        runner()
            .run(
                spec(Duration.ofSeconds(30), Map.of("epochs", "3")),
                dir,
                new InProcessTrialLauncher((i, study, log) -> body(i, study, log, threads)));

    assertThat(result.trials()).hasSize(3);
    assertThat(result.trials()).allMatch(t -> t.status() == TrialStatus.COMPLETED);
    assertThat(result.best().orElseThrow().params()).containsEntry("lr", "0.1");
    assertThat(result.best().orElseThrow().objective()).isEqualTo(1.0 / 3);
    assertThat(threads).containsExactlyInAnyOrder("trial-0", "trial-1", "trial-2");
    for (int i = 0; i < 3; i++) {
      assertThat(Files.readAllLines(StudyFiles.metrics(dir, i))).hasSize(3);
      assertThat(Files.readString(StudyFiles.log(dir, i))).contains("trial " + i + " done");
      // A thread has no pid: no pid file, so no later run mistakes another process for an orphan.
      assertThat(StudyFiles.pid(dir, i)).doesNotExist();
    }
    assertThat(Files.readAllLines(StudyFiles.table(dir))).hasSize(4);
  }

  @Test
  void aThrowingTrialFailsWithItsExitStatusAndTheStackInItsLogAndTheStudyGoesOn() throws Exception {
    StudyResult result =
        runner()
            .run(
                spec(Duration.ofSeconds(30), Map.of("epochs", "2", "behaviour.1", "throw")),
                dir,
                new InProcessTrialLauncher(
                    (i, study, log) -> body(i, study, log, ConcurrentHashMap.newKeySet())));

    TrialResult thrown = result.trial(1);
    assertThat(thrown.status()).isEqualTo(TrialStatus.FAILED);
    assertThat(thrown.reason()).isEqualTo(TrialResult.REASON_EXIT_CODE + 1);
    assertThat(Files.readString(StudyFiles.log(dir, 1)))
        .contains("IllegalStateException: boom in trial 1");
    assertThat(result.trial(0).status()).isEqualTo(TrialStatus.COMPLETED);
    assertThat(result.trial(2).status()).isEqualTo(TrialStatus.COMPLETED);
  }

  @Test
  void aHungTrialIsStoppedOnItsHeartbeatTimeoutByAnInterrupt() throws Exception {
    Set<String> threads = ConcurrentHashMap.newKeySet();
    List<Thread> before = List.copyOf(Thread.getAllStackTraces().keySet());
    StudyResult result =
        runner()
            .run(
                spec(Duration.ofMillis(600), Map.of("epochs", "2", "behaviour.0", "hang")),
                dir,
                new InProcessTrialLauncher((i, study, log) -> body(i, study, log, threads)));

    TrialResult hang = result.trial(0);
    assertThat(hang.status()).isEqualTo(TrialStatus.FAILED);
    assertThat(hang.reason()).isEqualTo(TrialResult.REASON_HEARTBEAT_TIMEOUT);
    assertThat(hang.epochs()).isEqualTo(1);
    // The interrupt ended the thread: the runner waited for it before it returned.
    assertThat(Thread.getAllStackTraces().keySet())
        .filteredOn(t -> t.getName().equals("trial-0") && !before.contains(t))
        .isEmpty();
    assertThat(Files.readString(StudyFiles.log(dir, 0))).contains("InterruptedException");
    assertThat(result.trial(1).status()).isEqualTo(TrialStatus.COMPLETED);
    assertThat(result.trial(2).status()).isEqualTo(TrialStatus.COMPLETED);
  }

  @Test
  void theProcessViewOfAThreadHasNoPidAndNoChildren() throws Exception {
    Files.createDirectories(StudyFiles.trialDir(dir, 0));
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    Process p =
        new InProcessTrialLauncher(
                (i, study, log) -> {
                  release.await();
                  return 7;
                })
            .launch(0, dir);
    assertThat(p.isAlive()).isTrue();
    assertThat(TrialSupervisor.pidOf(p)).isEmpty();
    assertThat(p.descendants()).isEmpty();
    org.assertj.core.api.Assertions.assertThatThrownBy(p::exitValue)
        .isInstanceOf(IllegalThreadStateException.class);
    release.countDown();
    assertThat(p.waitFor()).isEqualTo(7);
    assertThat(p.isAlive()).isFalse();
    assertThat(p.exitValue()).isEqualTo(7);
  }
}
