package io.driftgate.launcher;

import static io.driftgate.launcher.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunEvent;
import io.driftgate.core.run.RunMachine;
import io.driftgate.core.run.RunPolicy;
import io.driftgate.core.run.RunState;
import io.driftgate.core.run.RunStep;
import io.driftgate.core.run.Transition;
import io.driftgate.core.spec.LauncherConfig;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults in the control loop, on the Kubernetes backend against a mock API server: a Job event the
 * launcher never sees, a cancel whose Job delete fails, a gate decision that arrives for a run that
 * was cancelled, and a cancel that arrives while a promotion is being applied.
 */
@EnableKubernetesMockClient(crud = true)
class ControlLoopFaultsTest {
  KubernetesClient client;
  @TempDir Path dir;

  final LauncherConfig config = Fixtures.k8sConfig();
  static final String KEY = "flight-delay/2024-03-01T10:00Z/drift";

  /** A reconcile much shorter than the states' timeouts (hours), so a test sees it act. */
  static final Duration RECONCILE = Duration.ofMillis(200);

  Launcher launcher(Backend backend) {
    return Fixtures.launcher(
        Fixtures.store(dir), backend, config, 2, Fixtures.pinnedLake(), RECONCILE);
  }

  KubernetesBackend backend(StepArtifacts artifacts) {
    return new KubernetesBackend(
        client, new JobRenderer(config, Fixtures.MODEL), Fixtures.MODEL, artifacts);
  }

  List<Job> jobs() {
    return client.batch().v1().jobs().inNamespace("ml").list().getItems();
  }

  void setStatus(Job j, JobStatus status) {
    Job latest =
        client.batch().v1().jobs().inNamespace("ml").withName(j.getMetadata().getName()).get();
    latest.setStatus(status);
    client.batch().v1().jobs().inNamespace("ml").resource(latest).updateStatus();
  }

  static JobStatus complete(int n) {
    return new JobStatusBuilder()
        .withSucceeded(n)
        .withConditions(new JobConditionBuilder().withType("Complete").withStatus("True").build())
        .build();
  }

  @Test
  void aDroppedJobEventIsCaughtByTheReconcile() {
    Faulty b = new Faulty(backend(StepArtifacts.reportedOnly()));
    b.drop = e -> e instanceof RunEvent.TuningSucceeded; // the watch event that got lost
    try (Launcher l = launcher(b)) {
      l.start();
      l.accept(request(KEY));
      Job tune = Fixtures.awaitJob(client, KEY, RunStep.TUNE, 1);
      Fixtures.awaitRun(l, KEY, RetrainRun::submitted, "submitted");
      setStatus(tune, complete(6));
      // Without the reconcile the run would wait in TUNING for its 12 h timeout.
      Fixtures.await(l, KEY, RunState.TRAINING_BEST);
      assertThat(b.dropped.get()).isTrue();
      Fixtures.awaitJob(client, KEY, RunStep.BEST, 1);
    }
  }

  @Test
  void aJobDeletedByHandIsReportedAndRetried() {
    try (Launcher l = launcher(backend(StepArtifacts.reportedOnly()))) {
      l.start();
      l.accept(request(KEY));
      Job tune = Fixtures.awaitJob(client, KEY, RunStep.TUNE, 1);
      Fixtures.awaitRun(l, KEY, RetrainRun::submitted, "submitted");
      client.batch().v1().jobs().inNamespace("ml").resource(tune).delete();
      RetrainRun r = Fixtures.awaitRun(l, KEY, x -> x.attempt() == 2, "attempt 2");
      assertThat(r.state()).isEqualTo(RunState.TUNING);
      assertThat(r.history()).extracting(Transition::reason).anyMatch(s -> s.contains("is gone"));
      Fixtures.awaitJob(client, KEY, RunStep.TUNE, 2);
    }
  }

  @Test
  void aCancelWhoseJobDeleteFailedIsFinishedByTheReconcile() {
    Faulty b = new Faulty(backend(StepArtifacts.reportedOnly()));
    b.failCancels.set(1); // the API server refuses the first delete
    try (Launcher l = launcher(b)) {
      l.start();
      l.accept(request(KEY));
      Fixtures.awaitJob(client, KEY, RunStep.TUNE, 1);
      Fixtures.awaitRun(l, KEY, RetrainRun::submitted, "submitted");
      RetrainRun cancelled = l.cancel(KEY, "operator").orElseThrow();
      assertThat(cancelled.state()).isEqualTo(RunState.CANCELLED);
      assertThat(b.failCancels.get()).isZero(); // the delete was tried and failed
      // the run says CANCELLED: the reconcile makes the cluster agree
      Fixtures.await(this::jobs, List::isEmpty, "the job of the cancelled run deleted");
    }
  }

  @Test
  void aGateDecisionOfACancelledRunIsNotApplied() {
    Recording artifacts = new Recording();
    Faulty b = new Faulty(backend(artifacts));
    try (Launcher l = launcher(b)) {
      l.start();
      l.accept(request(KEY));
      setStatus(Fixtures.awaitJob(client, KEY, RunStep.TUNE, 1), complete(6));
      Fixtures.await(l, KEY, RunState.TRAINING_BEST);
      Job best = Fixtures.awaitJob(client, KEY, RunStep.BEST, 1);
      Fixtures.awaitRun(l, KEY, RetrainRun::submitted, "best submitted");
      Pod pod = Fixtures.createPod(client, best);
      Fixtures.updateBestPod(client, pod, true, null);
      Fixtures.await(l, KEY, RunState.GATING);

      assertThat(l.cancel(KEY, "operator").orElseThrow().state()).isEqualTo(RunState.CANCELLED);
      // the gate pod finishes anyway (its delete is not through yet) and decides to promote
      Fixtures.updateBestPod(client, pod, true, "{\"promoted\":true,\"version\":\"v4\"}");
      Fixtures.await(
          () -> b.claims.isDone() || artifacts.applied.get() > 0,
          done -> done,
          "the decision handled");
    }
    // closed: the backend's decisions thread has finished whatever it was given
    assertThat(artifacts.applied.get()).as("decisions applied to the registry").isZero();
    assertThat(b.claims.join()).isFalse();
    try (Launcher l = launcher(backend(artifacts))) {
      assertThat(l.run(KEY).orElseThrow().state()).isEqualTo(RunState.CANCELLED);
    }
  }

  @Test
  void aCancelWhileThePromotionIsAppliedWaitsForIt() throws Exception {
    Recording artifacts = new Recording();
    artifacts.hold = new CountDownLatch(1);
    try (Launcher l = launcher(backend(artifacts))) {
      l.start();
      l.accept(request(KEY));
      setStatus(Fixtures.awaitJob(client, KEY, RunStep.TUNE, 1), complete(6));
      Job best = Fixtures.awaitJob(client, KEY, RunStep.BEST, 1);
      Fixtures.awaitRun(l, KEY, r -> r.state() == RunState.TRAINING_BEST && r.submitted(), "best");
      Pod pod = Fixtures.createPod(client, best);
      Fixtures.updateBestPod(client, pod, true, "{\"promoted\":true,\"version\":\"v4\"}");
      assertThat(artifacts.entered.await(20, TimeUnit.SECONDS)).isTrue();

      // the registry is being changed: the cancel may not record what the promotion contradicts
      RetrainRun during = l.cancel(KEY, "operator").orElseThrow();
      assertThat(during.state()).isIn(RunState.TRAINING_BEST, RunState.GATING);
      artifacts.hold.countDown();

      RetrainRun done = Fixtures.await(l, KEY, RunState.PROMOTED);
      assertThat(done.results().modelVersion()).isEqualTo("v4");
      assertThat(artifacts.applied.get()).isEqualTo(1);
      // the held cancel is queued behind the decision (this read behind both): it found the run
      // ended, and the state database says what the registry did
      assertThat(l.run(KEY).orElseThrow().state()).isEqualTo(RunState.PROMOTED);
      assertThat(Fixtures.store(dir).get(KEY).orElseThrow().state()).isEqualTo(RunState.PROMOTED);
    }
  }

  /**
   * Every state a launcher can die in: a run persisted in it is resumed by a fresh launcher on the
   * same state database and cluster, and ends promoted.
   */
  @Test
  void aLauncherKilledInEveryRunStateResumes() {
    RunMachine m = new RunMachine(RunPolicy.of(config), java.time.Clock.systemUTC());
    RetrainRun requested =
        m.request(KEY, Fixtures.MODEL, io.driftgate.core.run.RunRequest.from(request(KEY)));
    RetrainRun tuning = m.apply(requested, new RunEvent.Admit()).run();
    RetrainRun pinned =
        m.apply(
                tuning,
                new RunEvent.LakePinned(
                    1, Long.toString(Fixtures.SNAPSHOT), Fixtures.METADATA, "covers"))
            .run();
    RetrainRun tuningSubmitted =
        m.apply(pinned, new RunEvent.Submitted(RunStep.TUNE, 1, Map.of())).run();
    RetrainRun training =
        m.apply(tuningSubmitted, new RunEvent.TuningSucceeded(1, Map.of(), null)).run();
    RetrainRun trainingSubmitted =
        m.apply(training, new RunEvent.Submitted(RunStep.BEST, 1, Map.of())).run();
    RetrainRun gating =
        m.apply(trainingSubmitted, new RunEvent.TrainingSucceeded(1, "runs/x/best-1")).run();
    List<RetrainRun> states =
        List.of(requested, tuning, pinned, tuningSubmitted, training, trainingSubmitted, gating);
    assertThat(states)
        .extracting(RetrainRun::state)
        .containsExactly(
            RunState.REQUESTED,
            RunState.TUNING,
            RunState.TUNING,
            RunState.TUNING,
            RunState.TRAINING_BEST,
            RunState.TRAINING_BEST,
            RunState.GATING);
    int i = 0;
    for (RetrainRun at : states) {
      Path state = dir.resolve("killed-" + i++);
      jobs().forEach(j -> client.batch().v1().jobs().inNamespace("ml").resource(j).delete());
      client.pods().inNamespace("ml").delete();
      var store = Fixtures.store(state);
      assertThat(store.create(at)).isTrue();
      try (Launcher l =
          Fixtures.launcher(
              store,
              backend(StepArtifacts.reportedOnly()),
              config,
              2,
              Fixtures.pinnedLake(),
              RECONCILE)) {
        l.start();
        RetrainRun done = driveToEnd(l);
        assertThat(done.state()).as("resumed from %s", describe(at)).isEqualTo(RunState.PROMOTED);
      }
    }
  }

  private static String describe(RetrainRun r) {
    return r.state() + (r.submitted() ? " (submitted)" : "");
  }

  /** Plays the cluster: completes whatever Job the run waits for, until it ends. */
  private RetrainRun driveToEnd(Launcher l) {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < end) {
      RetrainRun r = l.run(KEY).orElseThrow();
      if (r.state().terminal()) {
        return r;
      }
      if (r.submitted() && r.step() != null) {
        Job j =
            client
                .batch()
                .v1()
                .jobs()
                .inNamespace("ml")
                .withName(JobNames.jobName(KEY, r.step(), r.attempt()))
                .get();
        if (j != null && r.step() == RunStep.TUNE && j.getStatus() == null) {
          setStatus(j, complete(6));
        } else if (j != null && r.step() == RunStep.BEST) {
          String podName = j.getMetadata().getName() + "-abcde";
          Pod pod = client.pods().inNamespace("ml").withName(podName).get();
          if (pod == null) {
            pod = Fixtures.createPod(client, j);
            Fixtures.updateBestPod(client, pod, true, "{\"promoted\":true,\"version\":\"v7\"}");
          }
        }
      }
      Fixtures.sleep(20);
    }
    throw new AssertionError("the run never ended: " + l.run(KEY));
  }

  /**
   * A backend whose events may be lost (one matching {@link #drop}) and whose deletes may fail
   * ({@link #failCancels} times); it records the answer of the first gate claim.
   */
  static final class Faulty implements Backend {
    final Backend inner;
    Predicate<RunEvent> drop = e -> false;
    final AtomicBoolean dropped = new AtomicBoolean();
    final AtomicInteger failCancels = new AtomicInteger();
    final CompletableFuture<Boolean> claims = new CompletableFuture<>();

    Faulty(Backend inner) {
      this.inner = inner;
    }

    @Override
    public void start(Events events) {
      inner.start(
          new Events() {
            @Override
            public void emit(String runKey, RunEvent event) {
              if (drop.test(event) && dropped.compareAndSet(false, true)) {
                return;
              }
              events.emit(runKey, event);
            }

            @Override
            public boolean claimGate(String runKey, int attempt) {
              boolean ok = events.claimGate(runKey, attempt);
              claims.complete(ok);
              return ok;
            }

            @Override
            public void releaseGate(String runKey, int attempt) {
              events.releaseGate(runKey, attempt);
            }
          });
    }

    @Override
    public Map<String, String> submit(RetrainRun run, RunStep step, int attempt) {
      return inner.submit(run, step, attempt);
    }

    @Override
    public void cancel(RetrainRun run, RunStep step, int attempt) {
      if (failCancels.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
        throw new KubernetesClientException("the API server is unavailable (test)");
      }
      inner.cancel(run, step, attempt);
    }

    @Override
    public void reconcile(Collection<RetrainRun> runs) {
      inner.reconcile(runs);
    }

    @Override
    public void close() {
      inner.close();
    }
  }

  /** Counts the gate decisions applied to the "registry"; may hold the first one. */
  static final class Recording implements StepArtifacts {
    final AtomicInteger applied = new AtomicInteger();
    final CountDownLatch entered = new CountDownLatch(1);
    volatile CountDownLatch hold;

    @Override
    public Optional<BestTrial> bestTrial(String runKey, String studyKey) {
      return Optional.empty();
    }

    @Override
    public void prepareGate(RetrainRun run, int attempt, String championKey) {}

    @Override
    public GateStep.Verdict applyGate(
        String runKey, int attempt, String decisionKey, GateStep.Verdict reported) {
      entered.countDown();
      CountDownLatch h = hold;
      if (h != null) {
        try {
          h.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      applied.incrementAndGet();
      return reported;
    }
  }
}
