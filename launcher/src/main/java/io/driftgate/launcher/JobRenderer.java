package io.driftgate.launcher;

import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunStep;
import io.driftgate.core.spec.LauncherConfig;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
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
import io.fabric8.kubernetes.api.model.batch.v1.JobSpecBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicy;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRuleBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Renders the Jobs of a run's steps; every container runs the driftgate CLI of the trainer image.
 * Pods need no database and no shared folder: what passes between them is in the artifact store
 * ({@code state.artifacts} of the spec, written as whole objects), under the run's prefix {@link
 * #runKey}.
 *
 * <ul>
 *   <li>TUNE: one Indexed Job, one completion per trial of the grid. Each pod's init container
 *       writes the study to the store ({@code driftgate tune --prepare-only --study-key K}:
 *       idempotent, so every pod may run it) and its container runs one trial ({@code driftgate
 *       train --trial $(JOB_COMPLETION_INDEX) --study-key K}), which writes its heartbeats,
 *       metrics, model and final status there.
 *   <li>BEST: one Job whose init container collects the finished study from the store and writes
 *       the best trial's model to the pod's {@code /scratch} and to the store ({@code driftgate
 *       tune --collect}), and whose container gates that model ({@code driftgate gate}) against the
 *       champion the launcher named in the store ({@link #championKey}), writes the challenger, the
 *       decision and the HTML report to the store ({@link #gateKey}) and its verdict as the
 *       termination message. The launcher registers the challenger and moves the aliases: the gate
 *       pod never writes the registry. With {@link Tuner#KATIB} the study ran as a Katib Experiment
 *       (see {@link KatibRenderer}) and the init container instead trains the best parameters Katib
 *       reported ({@code driftgate train --param k=v ...}).
 * </ul>
 *
 * Every container that reads the lake gets the run's pinned snapshot ({@code --snapshot ID}, and
 * {@code --metadata-location FILE} when the launcher pinned it with the records table's metadata
 * file, which pods read through the warehouse's FileIO without the catalog): all trials, the best
 * model and the gate read the same rows.
 *
 * <p>Pods see the spec at {@link LauncherConfig#SPEC_PATH} (the {@code specConfigMap}) and, on
 * clusters without object storage, the PersistentVolumeClaims of {@code volumes}; GPU pods get the
 * GPU request, the accelerator selector, the GPU taint's toleration and a node affinity over {@code
 * gpuPools}.
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

  /**
   * Set on every container that requests {@value #GPU_RESOURCE}: the number of GPUs requested. The
   * trainer refuses to train when DJL's engine sees fewer (no CUDA natives, no driver): the
   * trainer's {@code GpuGuard} reads the same name.
   */
  public static final String GPUS_REQUIRED_ENV = "DRIFTGATE_GPUS_REQUIRED";

  public static final String PREPARE_CONTAINER = "prepare";
  public static final String TRAIN_CONTAINER = "train-best";
  public static final String GATE_CONTAINER = "gate";
  public static final String TRIAL_CONTAINER = "trial";
  public static final String TERMINATION_LOG = "/dev/termination-log";

  /** Kubernetes keeps at most 4096 bytes of a termination message. */
  public static final int MAX_TERMINATION_MESSAGE = 4096;

  /**
   * The BEST pod's folder shared by its containers (an emptyDir): the init container writes the
   * challenger to {@link #BEST_MODEL}, the gate reads it there.
   */
  public static final String WORK_DIR = "/scratch";

  /** The challenger's folder in the BEST pod. */
  public static final String BEST_MODEL = WORK_DIR + "/best-model";

  /**
   * Object names under {@link #gateKey}: written by the gate pod or, the champion, the launcher.
   */
  public static final String CHAMPION_OBJECT =
      io.driftgate.core.registry.GateDecision.CHAMPION_OBJECT;

  public static final String DECISION_OBJECT =
      io.driftgate.core.registry.GateDecision.DECISION_OBJECT;
  public static final String REPORT_OBJECT = io.driftgate.core.registry.GateDecision.REPORT_OBJECT;

  /**
   * The images' data directory (DRIFTGATE_DATA_DIR; DJL's cache below it, DJL_CACHE_DIR): an
   * emptyDir in every Job pod, whose root filesystem is read-only. The chart mounts one at the same
   * path in its pods (helm/driftgate, driftgate.localDir).
   */
  public static final String DATA_DIR = "/var/lib/driftgate";

  private static final String SPEC_VOLUME = "spec";
  private static final String TMP_VOLUME = "tmp";
  private static final String WORK_VOLUME = "work";
  private static final String DATA_VOLUME = "local-data";

  /** What ran the study: decides where a run's objects go and how BEST gets its model. */
  public enum Tuner {
    /** The TUNE Indexed Job: BEST publishes the study's best trial ({@code tune --collect}). */
    INDEXED_JOB("study"),
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
  private final String artifactsRoot;

  public JobRenderer(LauncherConfig config, String model) {
    this(config, model, Tuner.INDEXED_JOB);
  }

  public JobRenderer(LauncherConfig config, String model, Tuner tuner) {
    this(config, model, tuner, null);
  }

  /**
   * @param artifactsRoot the artifact store's root ({@code state.artifacts}), to show where a run's
   *     objects are ({@link #location}); null shows keys
   */
  public JobRenderer(LauncherConfig config, String model, Tuner tuner, String artifactsRoot) {
    this.config = Objects.requireNonNull(config, "config");
    this.model = Objects.requireNonNull(model, "model");
    this.tuner = Objects.requireNonNull(tuner, "tuner");
    this.artifactsRoot =
        artifactsRoot == null || !artifactsRoot.endsWith("/")
            ? artifactsRoot
            : artifactsRoot.substring(0, artifactsRoot.length() - 1);
  }

  public Tuner tuner() {
    return tuner;
  }

  public String model() {
    return model;
  }

  public LauncherConfig config() {
    return config;
  }

  /** The prefix of a run's objects in the artifact store: {@code runs/<model>/<run label>}. */
  public String runKey(String key) {
    return "runs/" + model + "/" + JobNames.runLabel(key);
  }

  /**
   * The study of a run in the artifact store (one per run: a retry resumes it); with Katib, the
   * prefix of its trials' models.
   */
  public String studyKey(String key) {
    return runKey(key) + "/" + tuner.folder;
  }

  /**
   * The best model of a BEST attempt in the store: the study's best trial, or with Katib the model
   * trained on the best parameters; one per attempt, written once.
   */
  public String bestKey(String key, int attempt) {
    return runKey(key) + "/best-" + attempt;
  }

  /**
   * The gate of a BEST attempt in the store: {@value #CHAMPION_OBJECT} (the champion the launcher
   * chose before submitting), {@value #DECISION_OBJECT} (the verdict and the challenger's manifest,
   * whose files are content-addressed blobs) and {@value #REPORT_OBJECT}.
   */
  public String gateKey(String key, int attempt) {
    return runKey(key) + "/gate-" + attempt;
  }

  public String championKey(String key, int attempt) {
    return gateKey(key, attempt) + "/" + CHAMPION_OBJECT;
  }

  public String decisionKey(String key, int attempt) {
    return gateKey(key, attempt) + "/" + DECISION_OBJECT;
  }

  public String reportKey(String key, int attempt) {
    return gateKey(key, attempt) + "/" + REPORT_OBJECT;
  }

  /** Where a key is: its URL or folder under the artifact store's root (the key without one). */
  public String location(String objectKey) {
    return artifactsRoot == null ? objectKey : artifactsRoot + "/" + objectKey;
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
            "--study-key",
            studyKey(run.key()),
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

  /**
   * The arguments of {@code driftgate gate} on the BEST attempt's model: the champion from the
   * store, the decision to the store, the verdict as the termination message; no registry.
   */
  public List<String> gateArgs(RetrainRun run, int attempt) {
    List<String> a = new ArrayList<>();
    a.addAll(
        List.of(
            "gate",
            "--spec",
            LauncherConfig.SPEC_PATH,
            "--model",
            BEST_MODEL,
            "--decision-key",
            gateKey(run.key(), attempt),
            "--verdict",
            TERMINATION_LOG));
    a.addAll(lakeArgs(run));
    return a;
  }

  private Job tuning(RetrainRun run, int attempt) {
    String key = run.key();
    Container prepare = container(PREPARE_CONTAINER, false).withArgs(prepareArgs(run)).build();
    Container trial =
        trialContainer(
                List.of(
                    "train",
                    "--spec",
                    LauncherConfig.SPEC_PATH,
                    "--trial",
                    "$(JOB_COMPLETION_INDEX)",
                    "--study-key",
                    studyKey(key)))
            .addToEnv(0, completionIndexEnv())
            .build();
    int trials = config.trials();
    return job(
        key,
        RunStep.TUNE,
        attempt,
        new JobSpecBuilder()
            .withCompletionMode("Indexed")
            .withCompletions(trials)
            .withParallelism(Math.min(config.parallelism(), trials))
            .withBackoffLimitPerIndex(config.backoffLimitPerIndex())
            .withMaxFailedIndexes(0),
        config.tuningTimeout(),
        podSpec(true).withInitContainers(prepare).withContainers(trial).build());
  }

  private Job best(RetrainRun run, int attempt) {
    String key = run.key();
    // the Katib init container trains, so it gets the GPU; collecting a study only copies files
    List<String> trainBestArgs;
    if (tuner == Tuner.KATIB) {
      trainBestArgs = new ArrayList<>(trainArgs(run, run.results().bestParams(), BEST_MODEL));
      trainBestArgs.addAll(List.of("--out-key", bestKey(key, attempt)));
    } else {
      trainBestArgs =
          List.of(
              "tune",
              "--collect",
              "--spec",
              LauncherConfig.SPEC_PATH,
              "--study-key",
              studyKey(key),
              "--out",
              BEST_MODEL,
              "--out-key",
              bestKey(key, attempt));
    }
    Container trainBest =
        container(TRAIN_CONTAINER, tuner == Tuner.KATIB).withArgs(trainBestArgs).build();
    Container gate =
        container(GATE_CONTAINER, false)
            .withArgs(gateArgs(run, attempt))
            .withTerminationMessagePath(TERMINATION_LOG)
            .withTerminationMessagePolicy("FallbackToLogsOnError")
            .build();
    return job(
        key,
        RunStep.BEST,
        attempt,
        // every pod starts from an empty /scratch; the attempt's objects in the store are written
        // once (a retried pod finds them and checks they are the same)
        new JobSpecBuilder()
            .withCompletions(1)
            .withParallelism(1)
            .withBackoffLimit(config.backoffLimitPerIndex()),
        config.trainingTimeout().plus(config.gatingTimeout()),
        // only the Katib init container trains (GPU); collecting a study and gating are CPU-only,
        // so the pod stays off the GPU pools unless it has a GPU container
        podSpec(tuner == Tuner.KATIB).withInitContainers(trainBest).withContainers(gate).build());
  }

  /**
   * A step's Job: the step's own completion and retry settings ({@code spec}), and what every step
   * shares (names, labels, deadline, time to live, disruptions not counted, the pod's metadata).
   */
  private Job job(
      String key, RunStep step, int attempt, JobSpecBuilder spec, Duration deadline, PodSpec pod) {
    Map<String, String> labels = labels(key, step, attempt);
    return new JobBuilder()
        .withNewMetadata()
        .withName(JobNames.jobName(key, step, attempt))
        .withNamespace(config.namespace())
        .withLabels(labels)
        .withAnnotations(Map.of(ANNOTATION_KEY, key))
        .endMetadata()
        .withSpec(
            spec.withActiveDeadlineSeconds(deadline.toSeconds())
                .withTtlSecondsAfterFinished((int) config.ttlAfterFinished().toSeconds())
                .withPodFailurePolicy(ignoreDisruptionsPolicy())
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(labels)
                .withAnnotations(podAnnotations(key))
                .endMetadata()
                .withSpec(pod)
                .endTemplate()
                .build())
        .build();
  }

  /** Pod annotations: the run's key (null: none, see {@link KatibRenderer}). */
  Map<String, String> podAnnotations(String key) {
    Map<String, String> a = new LinkedHashMap<>();
    if (key != null) {
      a.put(ANNOTATION_KEY, key);
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
    mounts.add(new VolumeMountBuilder().withName(WORK_VOLUME).withMountPath(WORK_DIR).build());
    mounts.add(new VolumeMountBuilder().withName(DATA_VOLUME).withMountPath(DATA_DIR).build());
    List<EnvVar> env = new ArrayList<>();
    if (gpu && config.gpuCount() > 0) {
      // the trainer fails instead of training on the CPU when DJL sees fewer GPUs than this
      env.add(
          new EnvVarBuilder()
              .withName(GPUS_REQUIRED_ENV)
              .withValue(Integer.toString(config.gpuCount()))
              .build());
    }
    return new ContainerBuilder()
        .withName(name)
        .withImage(config.image())
        .withEnv(env)
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
   * GPU selector, toleration and pool affinity only when the pod has a GPU container ({@code
   * gpuPod}) and the config asks for GPUs: a CPU-only pod on the GPU pools would make the cluster
   * autoscaler start a GPU node just for it.
   */
  PodSpecBuilder podSpec(boolean gpuPod) {
    boolean gpu = gpuPod && config.gpuCount() > 0;
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
    if (gpu && config.gpuType() != null) {
      b.withNodeSelector(Map.of(ACCELERATOR_SELECTOR, config.gpuType()));
    }
    if (gpu) {
      Toleration t =
          new TolerationBuilder()
              .withKey(GPU_RESOURCE)
              .withOperator("Equal")
              .withValue("present")
              .withEffect("NoSchedule")
              .build();
      b.withTolerations(t);
    }
    if (gpu && !config.gpuPools().isEmpty()) {
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
      volumes.add(
          new VolumeBuilder()
              .withName(v.name())
              .withNewPersistentVolumeClaim()
              .withClaimName(v.claimName())
              .withReadOnly(v.readOnly())
              .endPersistentVolumeClaim()
              .build());
    }
    volumes.add(new VolumeBuilder().withName(TMP_VOLUME).withNewEmptyDir().endEmptyDir().build());
    volumes.add(new VolumeBuilder().withName(WORK_VOLUME).withNewEmptyDir().endEmptyDir().build());
    volumes.add(new VolumeBuilder().withName(DATA_VOLUME).withNewEmptyDir().endEmptyDir().build());
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
