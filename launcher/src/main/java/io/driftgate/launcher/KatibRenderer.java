package io.driftgate.launcher;

import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunResults;
import io.driftgate.core.run.RunStep;
import io.driftgate.core.spec.LauncherConfig;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Renders the tuning study of a run as a Katib {@code kubeflow.org/v1beta1 Experiment}, a generic
 * resource (no Katib model dependency): the grid algorithm over {@code launcher.grid}, one trial
 * per combination, {@code parallelism} at once, minimizing {@code val_loss} as {@code driftgate
 * train} prints it on stdout (Katib's StdOut collector). Each trial is a batch/v1 Job whose pod is
 * the kubernetes backend's GPU trial pod ({@link JobRenderer}) running {@code driftgate train} with
 * the trial's parameters. The BEST step is {@link JobRenderer}'s Job with {@link
 * JobRenderer.Tuner#KATIB}: it trains the optimal trial's parameters, then gates.
 *
 * <p>A trial Job retries a failing pod {@code backoffLimitPerIndex} times, and {@code
 * maxFailedTrialCount} is 0: a trial that still fails fails the Experiment, as a failed index fails
 * the kubernetes backend's tuning Job (a grid with a hole would compare unlike studies).
 */
public final class KatibRenderer {
  public static final String API_VERSION = "kubeflow.org/v1beta1";
  public static final String KIND = "Experiment";
  public static final ResourceDefinitionContext EXPERIMENTS =
      new ResourceDefinitionContext.Builder()
          .withGroup("kubeflow.org")
          .withVersion("v1beta1")
          .withKind(KIND)
          .withPlural("experiments")
          .withNamespaced(true)
          .build();
  public static final String OBJECTIVE_METRIC = "val_loss";
  public static final List<String> ADDITIONAL_METRICS = List.of("val_accuracy", "val_auc");

  /** The trial parameter holding the trial's name (Katib's {@code ${trialSpec.Name}}). */
  public static final String TRIAL_NAME_PARAMETER = "katibTrialName";

  /** Katib's defaults for a batch/v1 Job, stated so the Experiment does not rely on its webhook. */
  static final String SUCCESS_CONDITION =
      "status.conditions.#(type==\"Complete\")#|#(status==\"True\")#";

  static final String FAILURE_CONDITION =
      "status.conditions.#(type==\"Failed\")#|#(status==\"True\")#";

  /** The trial pod's name, from the downward API (Kubernetes expands it in the arguments). */
  static final String POD_NAME_ENV = "POD_NAME";

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private final LauncherConfig config;
  private final String model;
  private final JobRenderer jobs;

  public KatibRenderer(LauncherConfig config, String model) {
    this(config, model, null);
  }

  /**
   * @param artifactsRoot the artifact store's root, to show where objects are (see {@link
   *     JobRenderer#location})
   */
  public KatibRenderer(LauncherConfig config, String model, String artifactsRoot) {
    this.config = Objects.requireNonNull(config, "config");
    this.model = Objects.requireNonNull(model, "model");
    this.jobs = new JobRenderer(config, model, JobRenderer.Tuner.KATIB, artifactsRoot);
  }

  /** The renderer of the BEST Job (and of the trial pods). */
  public JobRenderer jobs() {
    return jobs;
  }

  public LauncherConfig config() {
    return config;
  }

  /**
   * The prefix of a run's trial models in the artifact store: each trial pod writes its model to
   * {@code <trial>/<pod>} below it (BEST trains again, to {@link JobRenderer#bestKey}).
   */
  public String trialsKey(String key) {
    return jobs.studyKey(key);
  }

  public GenericKubernetesResource experiment(RetrainRun run, int attempt) {
    String key = run.key();
    Map<String, Object> spec = new LinkedHashMap<>();
    Map<String, Object> objective = new LinkedHashMap<>();
    objective.put("type", "minimize");
    objective.put("objectiveMetricName", OBJECTIVE_METRIC);
    objective.put("additionalMetricNames", ADDITIONAL_METRICS);
    // the best epoch's val_loss is the saved model's; accuracy and AUC: their best epoch
    List<Map<String, Object>> strategies = new ArrayList<>();
    strategies.add(Map.of("name", OBJECTIVE_METRIC, "value", "min"));
    ADDITIONAL_METRICS.forEach(m -> strategies.add(Map.of("name", m, "value", "max")));
    objective.put("metricStrategies", strategies);
    spec.put("objective", objective);
    spec.put("algorithm", Map.of("algorithmName", "grid"));
    int trials = config.trials();
    spec.put("parallelTrialCount", Math.min(config.parallelism(), trials));
    spec.put("maxTrialCount", trials);
    spec.put("maxFailedTrialCount", 0);
    spec.put("parameters", parameters());
    spec.put("metricsCollectorSpec", Map.of("collector", Map.of("kind", "StdOut")));
    spec.put("trialTemplate", trialTemplate(run));
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(API_VERSION)
        .withKind(KIND)
        .withNewMetadata()
        .withName(JobNames.experimentName(key, attempt))
        .withNamespace(config.namespace())
        .withLabels(jobs.labels(key, RunStep.TUNE, attempt))
        .withAnnotations(Map.of(JobRenderer.ANNOTATION_KEY, key))
        .endMetadata()
        .withAdditionalProperties(Map.of("spec", spec))
        .build();
  }

  public String yaml(RetrainRun run, int attempt) {
    return SERIALIZATION.asYaml(experiment(run, attempt));
  }

  /**
   * The BEST Job before tuning finished (for {@code --dry-run}): every searched parameter reads
   * {@code <best-NAME>}, a placeholder for the value of Katib's optimal trial.
   */
  public String bestYamlWithPlaceholders(RetrainRun run) {
    Map<String, String> placeholders = new LinkedHashMap<>();
    config.grid().keySet().forEach(k -> placeholders.put(k, "<best-" + k + ">"));
    RetrainRun withPlaceholders =
        new RetrainRun(
            run.key(),
            run.model(),
            run.request(),
            run.state(),
            run.attempt(),
            run.submitted(),
            run.retryAt(),
            run.createdAt(),
            run.stateEnteredAt(),
            run.updatedAt(),
            run.history(),
            run.handles(),
            new RunResults(placeholders, null, null, null, null, null),
            run.failure());
    return jobs.yaml(withPlaceholders, RunStep.BEST, 1);
  }

  /** One discrete (numbers) or categorical parameter per grid key, its values as listed. */
  private List<Map<String, Object>> parameters() {
    List<Map<String, Object>> out = new ArrayList<>();
    config
        .grid()
        .forEach(
            (name, values) -> {
              Map<String, Object> p = new LinkedHashMap<>();
              p.put("name", name);
              p.put(
                  "parameterType",
                  values.stream().allMatch(KatibRenderer::numeric) ? "discrete" : "categorical");
              p.put("feasibleSpace", Map.of("list", values));
              out.add(p);
            });
    return out;
  }

  private static boolean numeric(String s) {
    try {
      new BigDecimal(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private Map<String, Object> trialTemplate(RetrainRun run) {
    List<Map<String, Object>> trialParameters = new ArrayList<>();
    Map<String, String> searched = new LinkedHashMap<>();
    for (String name : config.grid().keySet()) {
      trialParameters.add(
          Map.of(
              "name",
              name,
              "reference",
              name,
              "description",
              "training parameter " + name + " (launcher.grid." + name + ")"));
      searched.put(name, "${trialParameters." + name + "}");
    }
    trialParameters.add(
        Map.of(
            "name",
            TRIAL_NAME_PARAMETER,
            "reference",
            "${trialSpec.Name}",
            "description",
            "the trial's name: its model's folder"));
    // one prefix per pod in the store (the Job retries a failed pod); the pod trains in /scratch
    String outKey =
        trialsKey(run.key())
            + "/${trialParameters."
            + TRIAL_NAME_PARAMETER
            + "}/$("
            + POD_NAME_ENV
            + ")";
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("primaryContainerName", JobRenderer.TRIAL_CONTAINER);
    t.put("successCondition", SUCCESS_CONDITION);
    t.put("failureCondition", FAILURE_CONDITION);
    t.put("trialParameters", trialParameters);
    t.put("trialSpec", SERIALIZATION.convertValue(trialJob(run, searched, outKey), Map.class));
    return t;
  }

  /**
   * The Job of one trial, unnamed (Katib names it after the trial). Its pod carries the run and
   * model labels but not the key annotation nor step and attempt labels, so the Job and Pod
   * handlers of the BEST step never take a trial for a step of the run.
   */
  private Job trialJob(RetrainRun run, Map<String, String> searched, String outKey) {
    List<String> args =
        new ArrayList<>(jobs.trainArgs(run, searched, JobRenderer.WORK_DIR + "/model"));
    args.addAll(List.of("--out-key", outKey));
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(JobRenderer.LABEL_RUN, JobNames.runLabel(run.key()));
    labels.put(JobRenderer.LABEL_MODEL, model);
    return new JobBuilder()
        .withApiVersion("batch/v1")
        .withKind("Job")
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(config.backoffLimitPerIndex())
        .withPodFailurePolicy(JobRenderer.ignoreDisruptionsPolicy())
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .withAnnotations(jobs.podAnnotations(null))
        .endMetadata()
        .withSpec(
            jobs.podSpec(true)
                .withContainers(
                    jobs.trialContainer(args)
                        .addNewEnv()
                        .withName(POD_NAME_ENV)
                        .withNewValueFrom()
                        .withNewFieldRef()
                        .withFieldPath("metadata.name")
                        .endFieldRef()
                        .endValueFrom()
                        .endEnv()
                        .build())
                .build())
        .endTemplate()
        .endSpec()
        .build();
  }
}
