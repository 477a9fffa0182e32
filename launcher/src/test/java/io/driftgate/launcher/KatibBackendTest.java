package io.driftgate.launcher;

import static io.driftgate.launcher.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunState;
import io.driftgate.core.run.RunStep;
import io.driftgate.core.spec.LauncherConfig;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@EnableKubernetesMockClient(crud = true)
class KatibBackendTest {
  KubernetesClient client;
  @TempDir Path dir;

  final LauncherConfig config = Fixtures.k8sConfig().withBackend(LauncherConfig.Backend.KATIB);
  static final String KEY = "flight-delay/2024-03-01T10:00Z/drift";
  static final String RUN = "runs/flight-delay/" + JobNames.runLabel(KEY);
  static final String TRIALS = RUN + "/katib";

  Launcher launcher() {
    KatibBackend b =
        new KatibBackend(client, new KatibRenderer(config, Fixtures.MODEL), Fixtures.MODEL);
    return Fixtures.launcher(Fixtures.store(dir), b, config, 2, Fixtures.pinnedLake());
  }

  List<GenericKubernetesResource> experiments() {
    return client
        .genericKubernetesResources(KatibRenderer.EXPERIMENTS)
        .inNamespace("ml")
        .list()
        .getItems();
  }

  GenericKubernetesResource experiment(int attempt) {
    return Fixtures.await(
        () ->
            client
                .genericKubernetesResources(KatibRenderer.EXPERIMENTS)
                .inNamespace("ml")
                .withName(JobNames.experimentName(KEY, attempt))
                .get(),
        e -> e != null,
        "experiment attempt " + attempt);
  }

  Job job(RunStep step, int attempt) {
    return Fixtures.awaitJob(client, KEY, step, attempt);
  }

  void setStatus(GenericKubernetesResource e, Map<String, Object> status) {
    GenericKubernetesResource latest =
        client
            .genericKubernetesResources(KatibRenderer.EXPERIMENTS)
            .inNamespace("ml")
            .withName(e.getMetadata().getName())
            .get();
    latest.setAdditionalProperty("status", status);
    client
        .genericKubernetesResources(KatibRenderer.EXPERIMENTS)
        .inNamespace("ml")
        .resource(latest)
        .updateStatus();
  }

  static Map<String, Object> condition(String type, String reason, String message) {
    return Map.of("type", type, "status", "True", "reason", reason, "message", message);
  }

  /** What Katib writes when the grid is done: the optimal trial and the Succeeded condition. */
  static Map<String, Object> succeeded(String lr, String momentum) {
    return Map.of(
        "conditions",
        List.of(
            Map.of("type", "Created", "status", "True", "reason", "ExperimentCreated"),
            Map.of("type", "Running", "status", "False", "reason", "ExperimentRunning"),
            condition(
                "Succeeded",
                "ExperimentMaxTrialsReached",
                "Experiment has succeeded because max trial count has reached")),
        "trials",
        6,
        "trialsSucceeded",
        6,
        "currentOptimalTrial",
        Map.of(
            "bestTrialName",
            JobNames.experimentName(KEY, 1) + "-x7k2p9qd",
            "parameterAssignments",
            List.of(
                Map.of("name", "lr", "value", lr), Map.of("name", "momentum", "value", momentum)),
            "observation",
            Map.of(
                "metrics",
                List.of(
                    Map.of("name", "val_loss", "min", "0.3121", "max", "0.52", "latest", "0.3188"),
                    Map.of("name", "val_auc", "min", "0.7", "max", "0.81", "latest", "0.8")))));
  }

  @SuppressWarnings("unchecked")
  static <T> T at(Object o, Object... path) {
    Object cur = o;
    for (Object p : path) {
      cur =
          p instanceof Integer i ? ((List<Object>) cur).get(i) : ((Map<String, Object>) cur).get(p);
    }
    return (T) cur;
  }

  /** A launcher on a backend whose events and deletes may be lost, reconciling every 200 ms. */
  Launcher faultyLauncher(ControlLoopFaultsTest.Faulty b) {
    return Fixtures.launcher(
        Fixtures.store(dir), b, config, 2, Fixtures.pinnedLake(), Duration.ofMillis(200));
  }

  ControlLoopFaultsTest.Faulty faulty() {
    return new ControlLoopFaultsTest.Faulty(
        new KatibBackend(client, new KatibRenderer(config, Fixtures.MODEL), Fixtures.MODEL));
  }

  /** Starts {@code l}, hands it {@link #KEY}'s request and returns its submitted Experiment. */
  GenericKubernetesResource submitted(Launcher l) {
    l.start();
    l.accept(request(KEY));
    GenericKubernetesResource e = experiment(1);
    Fixtures.awaitRun(l, KEY, RetrainRun::submitted, "submitted");
    return e;
  }

  @Test
  void aDroppedExperimentEventIsCaughtByTheReconcile() {
    ControlLoopFaultsTest.Faulty b = faulty();
    b.drop = e -> e instanceof io.driftgate.core.run.RunEvent.TuningSucceeded;
    try (Launcher l = faultyLauncher(b)) {
      GenericKubernetesResource e = submitted(l);
      setStatus(e, succeeded("0.05", "0.9"));
      RetrainRun r = Fixtures.await(l, KEY, RunState.TRAINING_BEST);
      assertThat(b.dropped.get()).isTrue();
      assertThat(r.results().bestParams()).containsEntry("lr", "0.05");
      job(RunStep.BEST, 1);
    }
  }

  @Test
  void anExperimentOfACancelledRunWhoseDeleteFailedIsDeletedByTheReconcile() {
    ControlLoopFaultsTest.Faulty b = faulty();
    b.failCancels.set(1);
    try (Launcher l = faultyLauncher(b)) {
      l.start();
      l.accept(request(KEY));
      experiment(1);
      Fixtures.awaitRun(l, KEY, RetrainRun::submitted, "submitted");
      assertThat(l.cancel(KEY, "operator").orElseThrow().state()).isEqualTo(RunState.CANCELLED);
      assertThat(b.failCancels.get()).isZero();
      Fixtures.await(this::experiments, List::isEmpty, "the experiment of the cancelled run gone");
    }
  }

  @Test
  void experimentIsAGridOverLauncherGridWithGpuTrialJobsTrainingTheTrialsParameters() {
    try (Launcher l = launcher()) {
      l.start();
      l.accept(request(KEY));
      GenericKubernetesResource e = experiment(1);
      assertThat(e.getApiVersion()).isEqualTo("kubeflow.org/v1beta1");
      assertThat(e.getKind()).isEqualTo("Experiment");
      assertThat(e.getMetadata().getName())
          .hasSizeLessThanOrEqualTo(54)
          .matches("[a-z]([-a-z0-9]*[a-z0-9])?")
          .endsWith("-tune-1");
      assertThat(e.getMetadata().getLabels())
          .containsEntry("driftgate.io/run", JobNames.runLabel(KEY))
          .containsEntry("driftgate.io/model", "flight-delay")
          .containsEntry("driftgate.io/step", "tune")
          .containsEntry("driftgate.io/attempt", "1");
      assertThat(e.getMetadata().getAnnotations()).containsEntry("driftgate.io/key", KEY);

      Map<String, Object> spec = at(e.getAdditionalProperties(), "spec");
      assertThat((String) at(spec, "algorithm", "algorithmName")).isEqualTo("grid");
      assertThat((String) at(spec, "objective", "type")).isEqualTo("minimize");
      assertThat((String) at(spec, "objective", "objectiveMetricName")).isEqualTo("val_loss");
      assertThat((List<String>) at(spec, "objective", "additionalMetricNames"))
          .containsExactly("val_accuracy", "val_auc");
      assertThat((Integer) at(spec, "parallelTrialCount")).isEqualTo(2);
      assertThat((Integer) at(spec, "maxTrialCount")).isEqualTo(6);
      assertThat((Integer) at(spec, "maxFailedTrialCount")).isZero();
      assertThat((String) at(spec, "metricsCollectorSpec", "collector", "kind"))
          .isEqualTo("StdOut");
      List<Map<String, Object>> parameters = at(spec, "parameters");
      assertThat(parameters).extracting(p -> p.get("name")).containsExactly("lr", "momentum");
      assertThat(parameters).extracting(p -> p.get("parameterType")).containsOnly("discrete");
      assertThat((List<String>) at(parameters, 0, "feasibleSpace", "list"))
          .containsExactly("0.01", "0.05", "0.1");
      assertThat((List<String>) at(parameters, 1, "feasibleSpace", "list"))
          .containsExactly("0.5", "0.9");

      Map<String, Object> template = at(spec, "trialTemplate");
      assertThat((String) at(template, "primaryContainerName")).isEqualTo("trial");
      assertThat((List<Map<String, Object>>) at(template, "trialParameters"))
          .extracting(p -> p.get("name") + "<-" + p.get("reference"))
          .containsExactly("lr<-lr", "momentum<-momentum", "katibTrialName<-${trialSpec.Name}");
      Job trial = new KubernetesSerialization().convertValue(at(template, "trialSpec"), Job.class);
      assertThat(trial.getApiVersion()).isEqualTo("batch/v1");
      assertThat(trial.getKind()).isEqualTo("Job");
      assertThat(trial.getMetadata().getName()).isNull(); // Katib names it after the trial
      assertThat(trial.getSpec().getBackoffLimit()).isEqualTo(2);
      // no key annotation, step or attempt label: the BEST handlers never take it for a step
      assertThat(trial.getSpec().getTemplate().getMetadata().getLabels())
          .containsOnlyKeys("driftgate.io/run", "driftgate.io/model");
      assertThat(trial.getSpec().getTemplate().getMetadata().getAnnotations()).isNullOrEmpty();
      PodSpec pod = trial.getSpec().getTemplate().getSpec();
      assertThat(pod.getRestartPolicy()).isEqualTo("Never");
      assertThat(pod.getServiceAccountName()).isEqualTo("driftgate-trainer");
      assertThat(pod.getNodeSelector())
          .containsEntry("cloud.google.com/gke-accelerator", "nvidia-tesla-t4");
      assertThat(pod.getTolerations())
          .singleElement()
          .satisfies(t -> assertThat(t.getKey()).isEqualTo("nvidia.com/gpu"));
      assertThat(
              pod.getAffinity()
                  .getNodeAffinity()
                  .getRequiredDuringSchedulingIgnoredDuringExecution()
                  .getNodeSelectorTerms()
                  .get(0)
                  .getMatchExpressions()
                  .get(0)
                  .getValues())
          .containsExactly("t4-spot", "t4-ondemand");
      assertThat(pod.getVolumes())
          .extracting(v -> v.getName())
          .containsExactly("spec", "tmp", "work", "local-data");
      assertThat(pod.getInitContainers()).isEmpty();
      var c = pod.getContainers().get(0);
      assertThat(c.getName()).isEqualTo("trial");
      assertThat(c.getImage())
          .isEqualTo("europe-docker.pkg.dev/p/driftgate/driftgate-trainer:0.1.0-gpu");
      assertThat(c.getResources().getLimits()).containsEntry("nvidia.com/gpu", new Quantity("1"));
      assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
      assertThat(c.getVolumeMounts())
          .extracting(m -> m.getMountPath())
          .containsExactly("/etc/driftgate", "/tmp", "/scratch", JobRenderer.DATA_DIR);
      assertThat(c.getArgs())
          .containsExactly(
              Fixtures.pinnedTrainArgs(
                  "${trialParameters.lr}",
                  "${trialParameters.momentum}",
                  "/scratch/model",
                  TRIALS + "/${trialParameters.katibTrialName}/$(POD_NAME)"));
      // the GPU request the trainer checks against DJL's engine (GpuGuard), then the pod name
      assertThat(c.getEnv())
          .extracting(env -> env.getName())
          .containsExactly(JobRenderer.GPUS_REQUIRED_ENV, "POD_NAME");
      assertThat(c.getEnv().get(0).getValue()).isEqualTo("1");
      assertThat(c.getEnv().get(1).getValueFrom().getFieldRef().getFieldPath())
          .isEqualTo("metadata.name");

      RetrainRun r = Fixtures.awaitRun(l, KEY, RetrainRun::submitted, "submitted");
      assertThat(r.handle("tuneExperiment")).isEqualTo(e.getMetadata().getName());
      assertThat(r.handle("trials")).isEqualTo(TRIALS);
    }
  }

  @Test
  void duplicateRequestOneExperimentThenTheOptimalTrialIsTrainedAndGated() {
    try (Launcher l = launcher()) {
      l.start();
      assertThat(l.accept(request(KEY))).isTrue();
      assertThat(l.accept(request(KEY))).isFalse();
      GenericKubernetesResource e = experiment(1);
      Fixtures.awaitRun(l, KEY, RetrainRun::submitted, "submitted");
      assertThat(experiments()).hasSize(1);
      assertThat(client.batch().v1().jobs().inNamespace("ml").list().getItems()).isEmpty();

      setStatus(e, succeeded("0.05", "0.9"));
      RetrainRun training = Fixtures.await(l, KEY, RunState.TRAINING_BEST);
      assertThat(training.results().bestParams())
          .isEqualTo(Map.of("lr", "0.05", "momentum", "0.9"));

      Job best = job(RunStep.BEST, 1);
      // a retried pod trains again into its own /scratch and rewrites the attempt's objects
      assertThat(best.getSpec().getBackoffLimit()).isEqualTo(2);
      PodSpec ps = best.getSpec().getTemplate().getSpec();
      var train = ps.getInitContainers().get(0);
      assertThat(train.getName()).isEqualTo("train-best");
      // with Katib the BEST pod trains (GPU init container): it goes to the GPU pools
      assertThat(train.getResources().getRequests()).containsKey("nvidia.com/gpu");
      assertThat(ps.getTolerations()).extracting(t -> t.getKey()).containsExactly("nvidia.com/gpu");
      assertThat(ps.getAffinity().getNodeAffinity()).isNotNull();
      assertThat(train.getArgs())
          .containsExactly(
              Fixtures.pinnedTrainArgs("0.05", "0.9", "/scratch/best-model", RUN + "/best-1"));
      assertThat(train.getResources().getLimits())
          .containsEntry("nvidia.com/gpu", new Quantity("1"));
      assertThat(ps.getContainers().get(0).getArgs())
          .containsSequence("--model", "/scratch/best-model")
          .containsSequence("--decision-key", RUN + "/gate-1")
          .containsSequence("--verdict", "/dev/termination-log")
          .containsSequence(
              "--snapshot",
              Long.toString(Fixtures.SNAPSHOT),
              "--metadata-location",
              Fixtures.METADATA);
      assertThat(experiments()).hasSize(1);

      // the BEST Job's pod events, handled as by the kubernetes backend
      Pod pod = createPod(best);
      updatePod(pod, null);
      RetrainRun gating = Fixtures.await(l, KEY, RunState.GATING);
      assertThat(gating.results().modelDir()).isEqualTo(RUN + "/best-1");
      updatePod(pod, "{\"promoted\":true,\"version\":\"v7\",\"reason\":\"auc +0.02\"}");
      RetrainRun done = Fixtures.await(l, KEY, RunState.PROMOTED);
      assertThat(done.results().modelVersion()).isEqualTo("v7");
      assertThat(done.results().bestParams()).containsEntry("lr", "0.05");
    }
  }

  @Test
  void restartedLauncherAdoptsTheExperimentAndReadsTheResultItMissed() {
    try (Launcher l = launcher()) {
      l.start();
      l.accept(request(KEY));
      Fixtures.awaitRun(l, KEY, RetrainRun::submitted, "submitted");
    }
    GenericKubernetesResource e = experiment(1);
    setStatus(e, succeeded("0.1", "0.5"));
    try (Launcher l = launcher()) {
      l.start();
      RetrainRun r = Fixtures.await(l, KEY, RunState.TRAINING_BEST);
      assertThat(r.results().bestParams())
          .containsEntry("lr", "0.1")
          .containsEntry("momentum", "0.5");
      assertThat(experiment(1).getMetadata().getUid()).isEqualTo(e.getMetadata().getUid());
      assertThat(experiments()).hasSize(1);
      assertThat(job(RunStep.BEST, 1).getSpec().getTemplate().getSpec().getInitContainers())
          .singleElement()
          .satisfies(c -> assertThat(c.getArgs()).contains("lr=0.1", "momentum=0.5"));
    }
  }

  @Test
  void failedTrialFailsTheRunWithoutRetry() {
    try (Launcher l = launcher()) {
      GenericKubernetesResource e = submitted(l);
      setStatus(
          e,
          Map.of(
              "trialsFailed",
              1,
              "conditions",
              List.of(
                  condition(
                      "Failed",
                      "ExperimentFailed",
                      "Experiment has failed because max failed count has reached"))));
      RetrainRun r = Fixtures.await(l, KEY, RunState.FAILED);
      assertThat(r.failure())
          .contains("max failed count")
          .contains("a trial failed after 2 retries")
          .contains("not retryable");
      assertThat(experiments()).hasSize(1);
    }
  }

  @Test
  void otherExperimentFailureIsRetriedAsANewExperimentAndCancelDeletesIt() {
    try (Launcher l = launcher()) {
      GenericKubernetesResource e = submitted(l);
      setStatus(
          e,
          Map.of(
              "conditions",
              List.of(condition("Failed", "ExperimentFailed", "Suggestion has failed: grid"))));
      GenericKubernetesResource second = experiment(2);
      assertThat(second.getMetadata().getLabels()).containsEntry("driftgate.io/attempt", "2");
      RetrainRun r = Fixtures.awaitRun(l, KEY, x -> x.attempt() == 2 && x.submitted(), "attempt 2");
      assertThat(r.state()).isEqualTo(RunState.TUNING);
      assertThat(r.history().get(r.history().size() - 2).reason())
          .contains("Suggestion has failed");
      l.cancel(KEY, "test");
      Fixtures.await(
          () -> experiments().stream().map(x -> x.getMetadata().getName()).toList(),
          names -> names.equals(List.of(JobNames.experimentName(KEY, 1))),
          "attempt-2 experiment deleted");
    }
  }

  @Test
  void succeededWithoutAnOptimalTrialFailsTheRun() {
    try (Launcher l = launcher()) {
      GenericKubernetesResource e = submitted(l);
      setStatus(
          e,
          Map.of(
              "conditions", List.of(condition("Succeeded", "ExperimentMaxTrialsReached", "done"))));
      RetrainRun r = Fixtures.await(l, KEY, RunState.FAILED);
      assertThat(r.failure()).contains("without an optimal trial").contains("metrics collector");
    }
  }

  Pod createPod(Job job) {
    return Fixtures.createPod(client, job);
  }

  void updatePod(Pod pod, String verdict) {
    Fixtures.updateBestPod(client, pod, true, verdict);
  }
}
