package io.driftgate.launcher;

import io.driftgate.core.run.LauncherConfig;
import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunStep;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTermBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicy;
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
 * Renders the Jobs of a run's steps; every container runs the driftgate CLI of the trainer image.
 *
 * <ul>
 *   <li>TUNE: one Indexed Job, one completion per trial of the grid. Each pod's init container
 *       writes the study ({@code driftgate tune --prepare-only}: idempotent, so every pod may run
 *       it) and its container runs one trial ({@code driftgate train --trial
 *       $(JOB_COMPLETION_INDEX) --study <dir>}).
 *   <li>BEST: one Job whose init container collects the finished study and publishes the best
 *       trial's model ({@code driftgate tune --collect}) and whose container gates that model
 *       ({@code driftgate gate}), writing its verdict as the termination message. With {@link
 *       Tuner#KATIB} the study ran as a Katib Experiment (see {@link KatibRenderer}) and the init
 *       container instead trains the best parameters Katib reported ({@code driftgate train --param
 *       k=v ...}).
 * </ul>
 *
 * Every container that reads the lake gets the run's pinned snapshot ({@code --snapshot ID}, and
 * {@code --metadata-location FILE} when the launcher pinned it with the records table's metadata
 * file, for pods that read the lake without its catalog): all trials, the best model and the gate
 * read the same rows.
 *
 * <p>Pods see the spec at {@link LauncherConfig#SPEC_PATH} (the {@code specConfigMap}) and the
 * store through {@code volumes}; the gate reaches the model registry through the spec's {@code
 * state} (its database and artifact store); GPU pods get the GPU request, the accelerator selector,
 * the GPU taint's toleration and a node affinity over {@code gpuPools}.
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
  public static final String POOL_LABEL = "driftgate.io/pool";
  public static final String GCSFUSE_ANNOTATION = "gke-gcsfuse/volumes";
  public static final String GCSFUSE_DRIVER = "gcsfuse.csi.storage.gke.io";
  public static final String PREPARE_CONTAINER = "prepare";
  public static final String TRAIN_CONTAINER = "train-best";
  public static final String GATE_CONTAINER = "gate";
  public static final String TRIAL_CONTAINER = "trial";
  public static final String TERMINATION_LOG = "/dev/termination-log";

  /** Kubernetes keeps at most 4096 bytes of a termination message. */
  public static final int MAX_TERMINATION_MESSAGE = 4096;

  private static final String SPEC_VOLUME = "spec";
  private static final String TMP_VOLUME = "tmp";

  /** What ran the study: decides where a run's files go and how BEST gets its model. */
  public enum Tuner {
    /** The TUNE Indexed Job: BEST publishes the study's best trial ({@code tune --collect}). */
    INDEXED_JOB("studies"),
    /** A Katib Experiment: BEST trains the best parameters it reported ({@code train}). */
    KATIB("katib");

    private final String folder;

    Tuner(String folder) {
      this.folder = folder;
    }
  }

  private final LauncherConfig config;
  private final String model;
  private final Tuner tuner;

  public JobRenderer(LauncherConfig config, String model) {
    this(config, model, Tuner.INDEXED_JOB);
  }

  public JobRenderer(LauncherConfig config, String model, Tuner tuner) {
    this.config = Objects.requireNonNull(config, "config");
    this.model = Objects.requireNonNull(model, "model");
    this.tuner = Objects.requireNonNull(tuner, "tuner");
  }

  public String model() {
    return model;
  }

  public LauncherConfig config() {
    return config;
  }

  /**
   * The study directory of a run on the shared store (one per run: a retry resumes the study); with
   * Katib, the folder of its trials' models.
   */
  public String studyDir(String key) {
    return store() + "/" + model + "/" + tuner.folder + "/" + JobNames.runLabel(key);
  }

  /**
   * The best model's directory of a BEST attempt: the study's published best trial; with Katib, one
   * per attempt, as {@code train} refuses a non-empty --out and a retry must not meet the model a
   * failed attempt left half-written.
   */
  public String modelDir(String key, int attempt) {
    return studyDir(key) + (tuner == Tuner.KATIB ? "/best-model-" + attempt : "/best-model");
  }

  /** The gate's HTML report of a run. */
  public String reportFile(String key) {
    return studyDir(key) + "/gate-report.html";
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

  /** The arguments of {@code driftgate tune --prepare-only} for a run. */
  public List<String> prepareArgs(RetrainRun run) {
    List<String> a = new ArrayList<>();
    a.addAll(
        List.of(
            "tune",
            "--prepare-only",
            "--spec",
            LauncherConfig.SPEC_PATH,
            "--study",
            studyDir(run.key()),
            "--from",
            run.request().dataFrom().toString(),
            "--to",
            run.request().dataTo().toString(),
            "--parallelism",
            Integer.toString(config.parallelism())));
    a.addAll(lakeArgs(run));
    config.grid().forEach((k, v) -> a.addAll(List.of("--grid", k + "=" + String.join(",", v))));
    config.params().forEach((k, v) -> a.addAll(List.of("--param", k + "=" + v)));
    return a;
  }

  /**
   * The arguments of {@code driftgate train} on the run's data range with the {@code searched}
   * parameters, then the {@code launcher.params} they do not override, writing to {@code out}.
   */
  public List<String> trainArgs(RetrainRun run, Map<String, String> searched, String out) {
    List<String> a = new ArrayList<>();
    a.addAll(
        List.of(
            "train",
            "--spec",
            LauncherConfig.SPEC_PATH,
            "--from",
            run.request().dataFrom().toString(),
            "--to",
            run.request().dataTo().toString()));
    a.addAll(lakeArgs(run));
    searched.forEach((k, v) -> a.addAll(List.of("--param", k + "=" + v)));
    config
        .params()
        .forEach(
            (k, v) -> {
              if (!searched.containsKey(k)) {
                a.addAll(List.of("--param", k + "=" + v));
              }
            });
    a.addAll(List.of("--out", out));
    return a;
  }

  /**
   * {@code --snapshot ID} and {@code --metadata-location FILE} of the run's pinned lake snapshot;
   * none for a run without one (the steps then read the lake's current snapshot).
   */
  public static List<String> lakeArgs(RetrainRun run) {
    List<String> a = new ArrayList<>();
    if (run.request().lakeSnapshot() != null) {
      a.addAll(List.of("--snapshot", run.request().lakeSnapshot()));
      if (run.request().lakeMetadataLocation() != null) {
        a.addAll(List.of("--metadata-location", run.request().lakeMetadataLocation()));
      }
    }
    return a;
  }

  /** The arguments of {@code driftgate gate} on the BEST attempt's model. */
  public List<String> gateArgs(RetrainRun run, int attempt) {
    String key = run.key();
    List<String> a = new ArrayList<>();
    a.addAll(
        List.of(
            "gate",
            "--spec",
            LauncherConfig.SPEC_PATH,
            "--model",
            modelDir(key, attempt),
            "--report",
            reportFile(key),
            "--verdict",
            TERMINATION_LOG));
    a.addAll(lakeArgs(run));
    return a;
  }

  private Job tuning(RetrainRun run, int attempt) {
    String key = run.key();
    Map<String, String> labels = labels(key, RunStep.TUNE, attempt);
    Container prepare = container(PREPARE_CONTAINER, false).withArgs(prepareArgs(run)).build();
    Container trial =
        trialContainer(
                List.of("train", "--trial", "$(JOB_COMPLETION_INDEX)", "--study", studyDir(key)))
            .withEnv(completionIndexEnv())
            .build();
    int trials = config.trials();
    return new JobBuilder()
        .withNewMetadata()
        .withName(JobNames.jobName(key, RunStep.TUNE, attempt))
        .withNamespace(config.namespace())
        .withLabels(labels)
        .withAnnotations(Map.of(ANNOTATION_KEY, key))
        .endMetadata()
        .withNewSpec()
        .withCompletionMode("Indexed")
        .withCompletions(trials)
        .withParallelism(Math.min(config.parallelism(), trials))
        .withBackoffLimitPerIndex(config.backoffLimitPerIndex())
        .withMaxFailedIndexes(0)
        .withActiveDeadlineSeconds(config.tuningTimeout().toSeconds())
        .withTtlSecondsAfterFinished((int) config.ttlAfterFinished().toSeconds())
        .withPodFailurePolicy(ignoreDisruptionsPolicy())
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .withAnnotations(podAnnotations(key))
        .endMetadata()
        .withSpec(podSpec().withInitContainers(prepare).withContainers(trial).build())
        .endTemplate()
        .endSpec()
        .build();
  }

  private Job best(RetrainRun run, int attempt) {
    String key = run.key();
    Map<String, String> labels = labels(key, RunStep.BEST, attempt);
    // the Katib init container trains, so it gets the GPU; collecting a study only copies files
    Container trainBest =
        tuner == Tuner.KATIB
            ? container(TRAIN_CONTAINER, true)
                .withArgs(trainArgs(run, run.results().bestParams(), modelDir(key, attempt)))
                .build()
            : container(TRAIN_CONTAINER, false)
                .withArgs("tune", "--collect", "--study", studyDir(key))
                .build();
    Container gate =
        container(GATE_CONTAINER, false)
            .withArgs(gateArgs(run, attempt))
            .withTerminationMessagePath(TERMINATION_LOG)
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
        // Katib: a second pod would meet the first one's model in --out, which train refuses;
        // a failed pod fails the attempt, and the run's next attempt trains into a new folder
        .withBackoffLimit(tuner == Tuner.KATIB ? 0 : config.backoffLimitPerIndex())
        .withActiveDeadlineSeconds(
            config.trainingTimeout().plus(config.gatingTimeout()).toSeconds())
        .withTtlSecondsAfterFinished((int) config.ttlAfterFinished().toSeconds())
        .withPodFailurePolicy(ignoreDisruptionsPolicy())
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .withAnnotations(podAnnotations(key))
        .endMetadata()
        .withSpec(podSpec().withInitContainers(trainBest).withContainers(gate).build())
        .endTemplate()
        .endSpec()
        .build();
  }

  /** Pod annotations: the run's key (null: none, see {@link KatibRenderer}) and GCS FUSE's. */
  Map<String, String> podAnnotations(String key) {
    Map<String, String> a = new LinkedHashMap<>();
    if (key != null) {
      a.put(ANNOTATION_KEY, key);
    }
    if (config.volumes().stream().anyMatch(v -> v.bucket() != null)) {
      a.put(GCSFUSE_ANNOTATION, "true"); // GKE injects the Cloud Storage FUSE sidecar
    }
    return a;
  }

  /** A pod failure policy with {@link #ignoreDisruptions()} only. */
  static PodFailurePolicy ignoreDisruptionsPolicy() {
    return new PodFailurePolicyBuilder().withRules(ignoreDisruptions()).build();
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

  private ContainerBuilder container(String name, boolean gpu) {
    List<VolumeMount> mounts = new ArrayList<>();
    if (config.specConfigMap() != null) {
      String dir = LauncherConfig.SPEC_PATH.substring(0, LauncherConfig.SPEC_PATH.lastIndexOf('/'));
      mounts.add(
          new VolumeMountBuilder()
              .withName(SPEC_VOLUME)
              .withMountPath(dir)
              .withReadOnly(true)
              .build());
    }
    for (LauncherConfig.Volume v : config.volumes()) {
      mounts.add(
          new VolumeMountBuilder()
              .withName(v.name())
              .withMountPath(v.mountPath())
              .withReadOnly(v.readOnly())
              .build());
    }
    mounts.add(new VolumeMountBuilder().withName(TMP_VOLUME).withMountPath("/tmp").build());
    return new ContainerBuilder()
        .withName(name)
        .withImage(config.image())
        .withResources(resources(gpu))
        .withVolumeMounts(mounts)
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .endSecurityContext();
  }

  /** The GPU container of one trial (TUNE Indexed Job, Katib trial Job). */
  ContainerBuilder trialContainer(List<String> args) {
    return container(TRIAL_CONTAINER, true).withArgs(args);
  }

  /**
   * The spec of every Job pod: service account, security context, spec ConfigMap and volumes, and
   * GPU selector, toleration and pool affinity when the config asks for GPUs.
   */
  PodSpecBuilder podSpec() {
    PodSpecBuilder b =
        new PodSpecBuilder()
            .withRestartPolicy("Never")
            .withNewSecurityContext()
            .withRunAsNonRoot(true)
            .withRunAsUser(65532L)
            .withRunAsGroup(65532L)
            .withFsGroup(65532L)
            .endSecurityContext();
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
    if (!config.gpuPools().isEmpty()) {
      b.withAffinity(poolAffinity(config.gpuPools()));
    }
    List<Volume> volumes = new ArrayList<>();
    if (config.specConfigMap() != null) {
      volumes.add(
          new VolumeBuilder()
              .withName(SPEC_VOLUME)
              .withNewConfigMap()
              .withName(config.specConfigMap())
              .endConfigMap()
              .build());
    }
    for (LauncherConfig.Volume v : config.volumes()) {
      VolumeBuilder vb = new VolumeBuilder().withName(v.name());
      if (v.bucket() != null) {
        vb.withNewCsi()
            .withDriver(GCSFUSE_DRIVER)
            .withReadOnly(v.readOnly())
            .withVolumeAttributes(Map.of("bucketName", v.bucket(), "mountOptions", "implicit-dirs"))
            .endCsi();
      } else {
        vb.withNewPersistentVolumeClaim()
            .withClaimName(v.claimName())
            .withReadOnly(v.readOnly())
            .endPersistentVolumeClaim();
      }
      volumes.add(vb.build());
    }
    volumes.add(new VolumeBuilder().withName(TMP_VOLUME).withNewEmptyDir().endEmptyDir().build());
    return b.withVolumes(volumes);
  }

  /**
   * Any of the pools may run the pod, the first ones preferred: when one cannot scale up (quota,
   * stock-out) the cluster autoscaler scales another, so training is not blocked.
   */
  static Affinity poolAffinity(List<String> pools) {
    List<PreferredSchedulingTerm> preferred = new ArrayList<>();
    for (int i = 0; i < pools.size(); i++) {
      preferred.add(
          new PreferredSchedulingTermBuilder()
              .withWeight(Math.max(1, 100 - 10 * i))
              .withNewPreference()
              .addNewMatchExpression()
              .withKey(POOL_LABEL)
              .withOperator("In")
              .withValues(pools.get(i))
              .endMatchExpression()
              .endPreference()
              .build());
    }
    return new AffinityBuilder()
        .withNewNodeAffinity()
        .withNewRequiredDuringSchedulingIgnoredDuringExecution()
        .addNewNodeSelectorTerm()
        .addNewMatchExpression()
        .withKey(POOL_LABEL)
        .withOperator("In")
        .withValues(pools)
        .endMatchExpression()
        .endNodeSelectorTerm()
        .endRequiredDuringSchedulingIgnoredDuringExecution()
        .withPreferredDuringSchedulingIgnoredDuringExecution(preferred)
        .endNodeAffinity()
        .build();
  }

  private io.fabric8.kubernetes.api.model.ResourceRequirements resources(boolean gpu) {
    ResourceRequirementsBuilder r = new ResourceRequirementsBuilder();
    if (config.cpu() != null) {
      r.addToRequests("cpu", new Quantity(config.cpu()));
    }
    if (config.memory() != null) {
      r.addToRequests("memory", new Quantity(config.memory()));
      r.addToLimits("memory", new Quantity(config.memory()));
    }
    if (gpu && config.gpuCount() > 0) {
      Quantity q = new Quantity(Integer.toString(config.gpuCount()));
      r.addToRequests(GPU_RESOURCE, q).addToLimits(GPU_RESOURCE, q);
    }
    return r.build();
  }

  private static EnvVar completionIndexEnv() {
    return new EnvVarBuilder()
        .withName("JOB_COMPLETION_INDEX")
        .withNewValueFrom()
        .withNewFieldRef()
        .withFieldPath("metadata.annotations['" + COMPLETION_INDEX_ANNOTATION + "']")
        .endFieldRef()
        .endValueFrom()
        .build();
  }
}
