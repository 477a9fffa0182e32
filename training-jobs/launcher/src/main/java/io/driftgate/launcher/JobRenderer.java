package io.driftgate.launcher;

import io.driftgate.core.run.LauncherConfig;
import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunStep;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRuleBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Renders the Jobs of a run's steps. TUNE: one Indexed Job, one completion per trial, each pod
 * running {@code driftgate train --trial $(JOB_COMPLETION_INDEX) --study <study dir>}. BEST: a Job
 * whose init container trains the best trial's parameters ({@code train --best}) and whose
 * container gates the model and writes its verdict as the termination message.
 */
public final class JobRenderer {
  public static final String LABEL_RUN = "driftgate.io/run";
  public static final String LABEL_MODEL = "driftgate.io/model";
  public static final String LABEL_STEP = "driftgate.io/step";
  public static final String LABEL_ATTEMPT = "driftgate.io/attempt";
  public static final String ANNOTATION_KEY = "driftgate.io/key";
  public static final String COMPLETION_INDEX_ANNOTATION =
      "batch.kubernetes.io/job-completion-index";
  public static final String GPU_RESOURCE = "nvidia.com/gpu";
  public static final String ACCELERATOR_SELECTOR = "cloud.google.com/gke-accelerator";
  public static final String TRAIN_CONTAINER = "train-best";
  public static final String GATE_CONTAINER = "gate";
  public static final String TRIAL_CONTAINER = "trial";

  private final LauncherConfig config;
  private final String model;

  public JobRenderer(LauncherConfig config, String model) {
    this.config = Objects.requireNonNull(config, "config");
    this.model = Objects.requireNonNull(model, "model");
  }

  public LauncherConfig config() {
    return config;
  }

  /** The study directory of a run on the shared store (one per run: a retry resumes the study). */
  public String studyDir(String key) {
    return store() + "/" + model + "/studies/" + JobNames.runLabel(key);
  }

  /** The best model's directory of a run on the shared store. */
  public String modelDir(String key) {
    return store() + "/" + model + "/runs/" + JobNames.runLabel(key) + "/model";
  }

  private String store() {
    String s = config.store() == null ? "/var/lib/driftgate" : config.store();
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  public Map<String, String> labels(String key, RunStep step, int attempt) {
    Map<String, String> l = new LinkedHashMap<>();
    l.put(LABEL_RUN, JobNames.runLabel(key));
    l.put(LABEL_MODEL, model);
    l.put(LABEL_STEP, step.label());
    l.put(LABEL_ATTEMPT, Integer.toString(attempt));
    return l;
  }

  public Job render(RetrainRun run, RunStep step, int attempt) {
    return step == RunStep.TUNE ? tuning(run, attempt) : best(run, attempt);
  }

  public String yaml(RetrainRun run, RunStep step, int attempt) {
    return new KubernetesSerialization().asYaml(render(run, step, attempt));
  }

  private Job tuning(RetrainRun run, int attempt) {
    String key = run.key();
    Map<String, String> labels = labels(key, RunStep.TUNE, attempt);
    Container trial =
        new ContainerBuilder()
            .withName(TRIAL_CONTAINER)
            .withImage(config.image())
            .withArgs("train", "--trial", "$(JOB_COMPLETION_INDEX)", "--study", studyDir(key))
            .withEnv(env(true))
            .withResources(gpuResources())
            .build();
    return new JobBuilder()
        .withNewMetadata()
        .withName(JobNames.jobName(key, RunStep.TUNE, attempt))
        .withNamespace(config.namespace())
        .withLabels(labels)
        .withAnnotations(Map.of(ANNOTATION_KEY, key))
        .endMetadata()
        .withNewSpec()
        .withCompletionMode("Indexed")
        .withCompletions(config.trials())
        .withParallelism(Math.min(config.parallelism(), config.trials()))
        .withBackoffLimitPerIndex(config.backoffLimitPerIndex())
        .withMaxFailedIndexes(0)
        .withActiveDeadlineSeconds(config.tuningTimeout().toSeconds())
        .withTtlSecondsAfterFinished((int) config.ttlAfterFinished().toSeconds())
        .withPodFailurePolicy(new PodFailurePolicyBuilder().withRules(ignoreDisruptions()).build())
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .withAnnotations(Map.of(ANNOTATION_KEY, key))
        .endMetadata()
        .withSpec(podSpec().withContainers(trial).build())
        .endTemplate()
        .endSpec()
        .build();
  }

  private Job best(RetrainRun run, int attempt) {
    String key = run.key();
    Map<String, String> labels = labels(key, RunStep.BEST, attempt);
    Container train =
        new ContainerBuilder()
            .withName(TRAIN_CONTAINER)
            .withImage(config.image())
            .withArgs("train", "--best", "--study", studyDir(key), "--out", modelDir(key))
            .withEnv(env(false))
            .withResources(gpuResources())
            .build();
    Container gate =
        new ContainerBuilder()
            .withName(GATE_CONTAINER)
            .withImage(config.image())
            .withArgs("gate", "--model", modelDir(key), "--verdict", "/dev/termination-log")
            .withEnv(env(false))
            .withTerminationMessagePath("/dev/termination-log")
            .withTerminationMessagePolicy("FallbackToLogsOnError")
            .build();
    return new JobBuilder()
        .withNewMetadata()
        .withName(JobNames.jobName(key, RunStep.BEST, attempt))
        .withNamespace(config.namespace())
        .withLabels(labels)
        .withAnnotations(Map.of(ANNOTATION_KEY, key))
        .endMetadata()
        .withNewSpec()
        .withCompletions(1)
        .withParallelism(1)
        .withBackoffLimit(config.backoffLimitPerIndex())
        .withActiveDeadlineSeconds(
            config.trainingTimeout().plus(config.gatingTimeout()).toSeconds())
        .withTtlSecondsAfterFinished((int) config.ttlAfterFinished().toSeconds())
        .withPodFailurePolicy(new PodFailurePolicyBuilder().withRules(ignoreDisruptions()).build())
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .withAnnotations(Map.of(ANNOTATION_KEY, key))
        .endMetadata()
        .withSpec(podSpec().withInitContainers(train).withContainers(gate).build())
        .endTemplate()
        .endSpec()
        .build();
  }

  /** Evictions and preemptions do not count against the retry limits: the pod is recreated. */
  private static PodFailurePolicyRule ignoreDisruptions() {
    return new PodFailurePolicyRuleBuilder()
        .withAction("Ignore")
        .addNewOnPodCondition()
        .withType("DisruptionTarget")
        .withStatus("True")
        .endOnPodCondition()
        .build();
  }

  private PodSpecBuilder podSpec() {
    PodSpecBuilder b = new PodSpecBuilder().withRestartPolicy("Never");
    if (config.serviceAccount() != null) {
      b.withServiceAccountName(config.serviceAccount());
    }
    if (config.gpuType() != null && config.gpuCount() > 0) {
      b.withNodeSelector(Map.of(ACCELERATOR_SELECTOR, config.gpuType()));
    }
    if (config.gpuCount() > 0) {
      Toleration t =
          new TolerationBuilder()
              .withKey(GPU_RESOURCE)
              .withOperator("Equal")
              .withValue("present")
              .withEffect("NoSchedule")
              .build();
      b.withTolerations(t);
    }
    return b;
  }

  private io.fabric8.kubernetes.api.model.ResourceRequirements gpuResources() {
    ResourceRequirementsBuilder r = new ResourceRequirementsBuilder();
    if (config.gpuCount() > 0) {
      Quantity q = new Quantity(Integer.toString(config.gpuCount()));
      r.addToRequests(GPU_RESOURCE, q).addToLimits(GPU_RESOURCE, q);
    }
    return r.build();
  }

  private List<EnvVar> env(boolean indexed) {
    List<EnvVar> env = new ArrayList<>();
    if (indexed) {
      env.add(
          new EnvVarBuilder()
              .withName("JOB_COMPLETION_INDEX")
              .withNewValueFrom()
              .withNewFieldRef()
              .withFieldPath("metadata.annotations['" + COMPLETION_INDEX_ANNOTATION + "']")
              .endFieldRef()
              .endValueFrom()
              .build());
    }
    env.add(new EnvVar("DRIFTGATE_STORE", store(), null));
    env.add(new EnvVar("DRIFTGATE_MODEL", model, null));
    return env;
  }
}
