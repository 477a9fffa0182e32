package io.driftgate.launcher;

import static io.driftgate.launcher.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunState;
import io.driftgate.core.run.RunStep;
import io.driftgate.core.spec.LauncherConfig;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@EnableKubernetesMockClient(crud = true)
class KubernetesBackendTest {
  KubernetesClient client;
  @TempDir Path dir;

  final LauncherConfig config = Fixtures.k8sConfig();
  static final String KEY = "flight-delay/2024-03-01T10:00Z/drift";

  Launcher launcher() {
    KubernetesBackend b =
        new KubernetesBackend(client, new JobRenderer(config, Fixtures.MODEL), Fixtures.MODEL);
    return Fixtures.launcher(Fixtures.store(dir), b, config, 2, Fixtures.pinnedLake());
  }

  List<Job> jobs() {
    return client.batch().v1().jobs().inNamespace("ml").list().getItems();
  }

  Job job(RunStep step, int attempt) {
    return Fixtures.awaitJob(client, KEY, step, attempt);
  }

  void setStatus(Job j, io.fabric8.kubernetes.api.model.batch.v1.JobStatus status) {
    Job latest =
        client.batch().v1().jobs().inNamespace("ml").withName(j.getMetadata().getName()).get();
    latest.setStatus(status);
    client.batch().v1().jobs().inNamespace("ml").resource(latest).updateStatus();
  }

  static io.fabric8.kubernetes.api.model.batch.v1.JobStatus complete(int n) {
    return new JobStatusBuilder()
        .withSucceeded(n)
        .withConditions(new JobConditionBuilder().withType("Complete").withStatus("True").build())
        .build();
  }

  @Test
  void tuningJobIsAnIndexedGpuJobWithLabelsAndCompletionIndexArgs() {
    try (Launcher l = launcher()) {
      l.start();
      l.accept(request(KEY));
      Job job = job(RunStep.TUNE, 1);
      assertThat(job.getMetadata().getName())
          .hasSizeLessThanOrEqualTo(63)
          .matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
      JobSpec s = job.getSpec();
      assertThat(s.getCompletionMode()).isEqualTo("Indexed");
      assertThat(s.getCompletions()).isEqualTo(6);
      assertThat(s.getParallelism()).isEqualTo(2);
      assertThat(s.getBackoffLimitPerIndex()).isEqualTo(2);
      assertThat(s.getMaxFailedIndexes()).isZero();
      assertThat(s.getActiveDeadlineSeconds()).isEqualTo(12 * 3600L);
      assertThat(s.getTtlSecondsAfterFinished()).isEqualTo(86400);
      assertThat(s.getPodFailurePolicy().getRules().get(0).getAction()).isEqualTo("Ignore");
      assertThat(s.getPodFailurePolicy().getRules().get(0).getOnPodConditions().get(0).getType())
          .isEqualTo("DisruptionTarget");
      Map<String, String> labels = job.getMetadata().getLabels();
      assertThat(labels)
          .containsEntry("driftgate.io/model", "flight-delay")
          .containsEntry("driftgate.io/step", "tune")
          .containsEntry("driftgate.io/run", JobNames.runLabel(KEY));
      assertThat(s.getTemplate().getMetadata().getLabels()).isEqualTo(labels);
      PodSpec pod = s.getTemplate().getSpec();
      assertThat(pod.getRestartPolicy()).isEqualTo("Never");
      assertThat(pod.getServiceAccountName()).isEqualTo("driftgate-trainer");
      assertThat(pod.getNodeSelector())
          .containsEntry("cloud.google.com/gke-accelerator", "nvidia-tesla-t4");
      assertThat(pod.getTolerations())
          .singleElement()
          .satisfies(
              t -> {
                assertThat(t.getKey()).isEqualTo("nvidia.com/gpu");
                assertThat(t.getValue()).isEqualTo("present");
                assertThat(t.getEffect()).isEqualTo("NoSchedule");
              });
      var affinity = pod.getAffinity().getNodeAffinity();
      var required =
          affinity
              .getRequiredDuringSchedulingIgnoredDuringExecution()
              .getNodeSelectorTerms()
              .get(0)
              .getMatchExpressions()
              .get(0);
      assertThat(required.getKey()).isEqualTo("driftgate.io/pool");
      assertThat(required.getValues()).containsExactly("t4-spot", "t4-ondemand");
      assertThat(affinity.getPreferredDuringSchedulingIgnoredDuringExecution())
          .extracting(p -> p.getPreference().getMatchExpressions().get(0).getValues().get(0))
          .containsExactly("t4-spot", "t4-ondemand");
      assertThat(affinity.getPreferredDuringSchedulingIgnoredDuringExecution().get(0).getWeight())
          .isGreaterThan(
              affinity.getPreferredDuringSchedulingIgnoredDuringExecution().get(1).getWeight());
      // No FUSE, no shared folder: the spec and the pod's own scratch folders only; the study is
      // in the artifact store.
      assertThat(s.getTemplate().getMetadata().getAnnotations())
          .containsOnlyKeys("driftgate.io/key");
      assertThat(pod.getVolumes())
          .extracting(v -> v.getName())
          .containsExactly("spec", "tmp", "work", "local-data");
      assertThat(pod.getVolumes()).allSatisfy(v -> assertThat(v.getCsi()).isNull());
      assertThat(pod.getVolumes().get(0).getConfigMap().getName()).isEqualTo("driftgate-spec");
      assertThat(pod.getVolumes().get(1).getEmptyDir()).isNotNull();
      assertThat(pod.getVolumes().get(2).getEmptyDir()).isNotNull();
      assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
      String study = "runs/flight-delay/" + JobNames.runLabel(KEY) + "/study";
      var prepare = pod.getInitContainers().get(0);
      assertThat(prepare.getArgs())
          .containsExactly(
              "tune",
              "--prepare-only",
              "--spec",
              "/etc/driftgate/driftgate.yaml",
              "--study-key",
              study,
              "--from",
              "2024-02-01T00:00:00Z",
              "--to",
              "2024-03-01T10:00:00Z",
              "--parallelism",
              "2",
              "--snapshot",
              Long.toString(Fixtures.SNAPSHOT),
              "--metadata-location",
              Fixtures.METADATA,
              "--grid",
              "lr=0.01,0.05,0.1",
              "--grid",
              "momentum=0.5,0.9",
              "--param",
              "epochs=5");
      assertThat(prepare.getResources().getRequests()).doesNotContainKey("nvidia.com/gpu");
      var c = pod.getContainers().get(0);
      assertThat(c.getImage())
          .isEqualTo("europe-docker.pkg.dev/p/driftgate/driftgate-trainer:0.1.0-gpu");
      assertThat(c.getArgs())
          .containsExactly(
              "train",
              "--spec",
              "/etc/driftgate/driftgate.yaml",
              "--trial",
              "$(JOB_COMPLETION_INDEX)",
              "--study-key",
              study);
      assertThat(c.getVolumeMounts())
          .extracting(m -> m.getMountPath())
          .containsExactly("/etc/driftgate", "/tmp", "/scratch", JobRenderer.DATA_DIR);
      assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
      assertThat(c.getResources().getRequests())
          .containsEntry("cpu", new Quantity("4"))
          .containsEntry("memory", new Quantity("16Gi"));
      assertThat(c.getEnv().get(0).getName()).isEqualTo("JOB_COMPLETION_INDEX");
      assertThat(c.getEnv().get(0).getValueFrom().getFieldRef().getFieldPath())
          .isEqualTo("metadata.annotations['batch.kubernetes.io/job-completion-index']");
      assertThat(c.getResources().getRequests()).containsEntry("nvidia.com/gpu", new Quantity("1"));
      // the trial fails instead of training on the CPU when DJL sees no GPU (trainer GpuGuard)
      assertThat(c.getEnv())
          .filteredOn(e -> e.getName().equals(JobRenderer.GPUS_REQUIRED_ENV))
          .singleElement()
          .satisfies(e -> assertThat(e.getValue()).isEqualTo("1"));
      assertThat(c.getEnv()).anyMatch(e -> e.getName().equals("JOB_COMPLETION_INDEX"));
      assertThat(c.getResources().getLimits()).containsEntry("nvidia.com/gpu", new Quantity("1"));
      RetrainRun r = Fixtures.awaitRun(l, KEY, RetrainRun::submitted, "submitted");
      assertThat(r.request().lakeSnapshotId()).isEqualTo(Fixtures.SNAPSHOT);
      assertThat(r.handle("tuneJob")).isEqualTo(job.getMetadata().getName());
      assertThat(r.handle("study")).isEqualTo(study); // no artifacts root given: the key
    }
  }

  @Test
  void duplicateRequestsCreateOneJobAndStatusMovesTheRunToPromoted() {
    try (Launcher l = launcher()) {
      l.start();
      assertThat(l.accept(request(KEY))).isTrue();
      assertThat(l.accept(request(KEY))).isFalse();
      Job tune = job(RunStep.TUNE, 1);
      assertThat(jobs()).hasSize(1);

      setStatus(tune, complete(6));
      Fixtures.await(l, KEY, RunState.TRAINING_BEST);
      Job best = job(RunStep.BEST, 1);
      PodSpec ps = best.getSpec().getTemplate().getSpec();
      // collecting the study and gating are CPU-only: no GPU request, so no GPU toleration, no
      // accelerator selector and no GPU-pool affinity (the autoscaler would start a GPU node)
      assertThat(ps.getInitContainers().get(0).getResources().getRequests())
          .doesNotContainKey("nvidia.com/gpu");
      assertThat(ps.getContainers().get(0).getResources().getRequests())
          .doesNotContainKey("nvidia.com/gpu");
      assertThat(ps.getTolerations()).isEmpty();
      assertThat(ps.getNodeSelector()).isEmpty();
      assertThat(ps.getAffinity()).isNull();
      assertThat(ps.getInitContainers().get(0).getEnv())
          .noneMatch(e -> e.getName().equals(JobRenderer.GPUS_REQUIRED_ENV));
      String run = "runs/flight-delay/" + JobNames.runLabel(KEY);
      assertThat(ps.getInitContainers().get(0).getArgs())
          .containsExactly(
              "tune",
              "--collect",
              "--spec",
              "/etc/driftgate/driftgate.yaml",
              "--study-key",
              run + "/study",
              "--out",
              "/scratch/best-model",
              "--out-key",
              run + "/best-1");
      // the gate gets no registry: the champion and its decision are objects in the store
      assertThat(ps.getContainers().get(0).getArgs())
          .containsExactly(
              "gate",
              "--spec",
              "/etc/driftgate/driftgate.yaml",
              "--model",
              "/scratch/best-model",
              "--decision-key",
              run + "/gate-1",
              "--verdict",
              "/dev/termination-log",
              "--snapshot",
              Long.toString(Fixtures.SNAPSHOT),
              "--metadata-location",
              Fixtures.METADATA);
      assertThat(jobs()).hasSize(2);

      Pod pod = createPod(best);
      updatePod(pod, true, null);
      RetrainRun gating = Fixtures.await(l, KEY, RunState.GATING);
      assertThat(gating.results().modelDir()).isEqualTo(run + "/best-1");

      updatePod(pod, true, "{\"promoted\":true,\"version\":\"v4\",\"reason\":\"auc +0.03\"}");
      setStatus(best, complete(1));
      RetrainRun done = Fixtures.await(l, KEY, RunState.PROMOTED);
      assertThat(done.results().modelVersion()).isEqualTo("v4");
      assertThat(jobs()).hasSize(2);
    }
  }

  @Test
  void theGatePodFindsTheRunsDriftEvidenceBesideItsChampion() throws Exception {
    io.driftgate.core.registry.JdbcModelRegistry registry =
        io.driftgate.core.registry.JdbcModelRegistry.embedded(dir.resolve("registry"));
    // the monitor stored two windows' reports and the request it published on them
    io.driftgate.core.monitor.MonitorStore monitor =
        new io.driftgate.core.monitor.JdbcMonitorStore(registry.database(), Fixtures.MODEL);
    for (int w = 0; w < 2; w++) {
      monitor.writeReport(driftReport("r" + w, w));
    }
    monitor.writeRequest(
        io.driftgate.schemas.RetrainRequest.newBuilder(request(KEY))
            .setEvidenceReportIds(List.of("r0", "r1"))
            .build());
    KubernetesBackend b =
        new KubernetesBackend(
            client,
            new JobRenderer(config, Fixtures.MODEL),
            Fixtures.MODEL,
            new StoreStepArtifacts(registry, Fixtures.MODEL));
    try (Launcher l = Fixtures.launcher(Fixtures.store(dir), b, config, 2, Fixtures.pinnedLake())) {
      l.start();
      assertThat(l.accept(request(KEY))).isTrue();
      setStatus(job(RunStep.TUNE, 1), complete(6));
      job(RunStep.BEST, 1);
    }
    // what the gate pod reads at --decision-key (GateCommand), beside champion.json
    String gate = "runs/flight-delay/" + JobNames.runLabel(KEY) + "/gate-1";
    io.driftgate.core.state.ArtifactStore store = registry.artifacts();
    assertThat(store.exists(gate + "/champion.json")).isTrue();
    io.driftgate.core.report.DriftEvidence evidence =
        io.driftgate.core.report.DriftEvidence.fromJson(
            store.read(gate + "/" + io.driftgate.core.report.DriftEvidence.OBJECT));
    assertThat(evidence.runKey()).isEqualTo(KEY);
    assertThat(evidence.reasons()).containsExactly("drift");
    assertThat(evidence.driftReportIds()).containsExactly("r0", "r1");
    String page =
        new String(
            store.read(gate + "/" + io.driftgate.core.report.DriftEvidence.PAGE_OBJECT),
            java.nio.charset.StandardCharsets.UTF_8);
    assertThat(page)
        .contains("data-windows=\"2\"", "data-request=\"" + KEY + "\"", "data-feature=\"dep\"");
  }

  static io.driftgate.schemas.DriftReport driftReport(String id, int window) {
    java.time.Instant start =
        java.time.Instant.parse("2024-03-01T08:00:00Z").plusSeconds(600L * window);
    return io.driftgate.schemas.DriftReport.newBuilder()
        .setReportId(id)
        .setModel(Fixtures.MODEL)
        .setWindowStart(start)
        .setWindowEnd(start.plusSeconds(600))
        .setReferenceId("first-1000-records")
        .setRowCount(500)
        .setReferenceRowCount(1000)
        .setDriftedShare(1.0)
        .setFeatures(
            List.of(
                io.driftgate.schemas.FeatureDrift.newBuilder()
                    .setName("dep")
                    .setMetric("psi")
                    .setScore(0.4)
                    .setThreshold(0.2)
                    .setPValue(null)
                    .setDrifted(true)
                    .setNullRate(0.0)
                    .setReferenceNullRate(0.0)
                    .build()))
        .build();
  }

  @Test
  void restartedLauncherResumesAndAdoptsTheExistingJob() {
    try (Launcher l = launcher()) {
      l.start();
      l.accept(request(KEY));
      Fixtures.awaitRun(l, KEY, RetrainRun::submitted, "submitted");
    }
    String uid = job(RunStep.TUNE, 1).getMetadata().getUid();
    try (Launcher l = launcher()) {
      l.start();
      assertThat(l.accept(request(KEY))).isFalse();
      assertThat(jobs()).hasSize(1);
      assertThat(job(RunStep.TUNE, 1).getMetadata().getUid()).isEqualTo(uid);
      setStatus(job(RunStep.TUNE, 1), complete(6));
      Fixtures.await(l, KEY, RunState.TRAINING_BEST);
      job(RunStep.BEST, 1);
      assertThat(jobs()).hasSize(2);
    }
  }

  @Test
  void failedIndexIsRetriedByTheJobThenReported() {
    try (Launcher l = launcher()) {
      l.start();
      l.accept(request(KEY));
      Job tune = job(RunStep.TUNE, 1);
      Fixtures.awaitRun(l, KEY, RetrainRun::submitted, "submitted");
      // index 3 failed once; the Job retries it (backoffLimitPerIndex=2): the run keeps tuning
      setStatus(tune, new JobStatusBuilder().withFailed(1).withSucceeded(2).withActive(2).build());
      Fixtures.sleep(300);
      assertThat(l.run(KEY).orElseThrow().state()).isEqualTo(RunState.TUNING);
      setStatus(
          tune,
          new JobStatusBuilder()
              .withFailed(3)
              .withSucceeded(5)
              .withFailedIndexes("3")
              .withConditions(
                  new JobConditionBuilder()
                      .withType("Failed")
                      .withStatus("True")
                      .withReason("MaxFailedIndexesExceeded")
                      .build())
              .build());
      RetrainRun r = Fixtures.await(l, KEY, RunState.FAILED);
      assertThat(r.failure())
          .contains("trial index 3 failed after 2 retries per index")
          .contains("not retryable");
    }
  }

  @Test
  void transientJobFailureCreatesANewAttemptJob() {
    try (Launcher l = launcher()) {
      l.start();
      l.accept(request(KEY));
      Job tune = job(RunStep.TUNE, 1);
      setStatus(
          tune,
          new JobStatusBuilder()
              .withConditions(
                  new JobConditionBuilder()
                      .withType("Failed")
                      .withStatus("True")
                      .withReason("BackoffLimitExceeded")
                      .build())
              .build());
      Job second = job(RunStep.TUNE, 2);
      assertThat(second.getMetadata().getLabels()).containsEntry("driftgate.io/attempt", "2");
      RetrainRun r = Fixtures.awaitRun(l, KEY, x -> x.attempt() == 2 && x.submitted(), "attempt 2");
      assertThat(r.state()).isEqualTo(RunState.TUNING);
      l.cancel(KEY, "test");
      Fixtures.await(() -> jobs().size(), n -> n == 1, "attempt-2 job deleted");
    }
  }

  Pod createPod(Job job) {
    return Fixtures.createPod(client, job);
  }

  void updatePod(Pod pod, boolean trained, String verdict) {
    Fixtures.updateBestPod(client, pod, trained, verdict);
  }
}
