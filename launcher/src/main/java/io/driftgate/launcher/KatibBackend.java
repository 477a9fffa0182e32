package io.driftgate.launcher;

import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunEvent;
import io.driftgate.core.run.RunStep;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the tuning study as a Katib Experiment ({@link KatibRenderer}) and the best model plus gate
 * as the kubernetes backend's Job, whose Job and Pod events a {@link KubernetesBackend} handles.
 * Experiments are followed with an informer on the generic resource (label {@code
 * driftgate.io/model=<model>}); their names come from the idempotency key, so a second create gets
 * 409 and adopts the existing Experiment. Progress of the study:
 *
 * <ul>
 *   <li>condition {@code Succeeded} → {@code TuningSucceeded} with the parameters of {@code
 *       status.currentOptimalTrial}; succeeded without an optimal trial (no trial reported {@code
 *       val_loss}: is the metrics collector injected?) → {@code StepFailed}, not retryable;
 *   <li>condition {@code Failed} because a trial failed after its Job's retries ({@code
 *       maxFailedTrialCount} 0) → {@code StepFailed}, not retryable, as a failed index of the
 *       kubernetes backend; failed for another reason (its suggestion service, say) → retryable:
 *       the next attempt is a new Experiment.
 * </ul>
 *
 * Cancelling the study deletes the Experiment, and Katib's owner references delete its trials.
 */
public final class KatibBackend implements Backend {
  private static final Logger LOG = LoggerFactory.getLogger(KatibBackend.class);

  private final KubernetesClient client;
  private final KatibRenderer renderer;
  private final String model;
  private final KubernetesBackend bestJobs;
  private volatile Events events;
  private SharedIndexInformer<GenericKubernetesResource> experiments;

  /** A backend that takes gate verdicts as reported (see {@link StepArtifacts#reportedOnly()}). */
  public KatibBackend(KubernetesClient client, KatibRenderer renderer, String model) {
    this(client, renderer, model, StepArtifacts.reportedOnly());
  }

  public KatibBackend(
      KubernetesClient client, KatibRenderer renderer, String model, StepArtifacts artifacts) {
    this.client = Objects.requireNonNull(client, "client");
    this.renderer = Objects.requireNonNull(renderer, "renderer");
    this.model = Objects.requireNonNull(model, "model");
    this.bestJobs = new KubernetesBackend(client, renderer.jobs(), model, artifacts);
  }

  private String ns() {
    return renderer.config().namespace();
  }

  private MixedOperation<
          GenericKubernetesResource,
          GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      experiments() {
    return client.genericKubernetesResources(KatibRenderer.EXPERIMENTS);
  }

  @Override
  public void bindMetrics(LauncherMetrics m) {
    bestJobs.bindMetrics(m); // the best step's Jobs; Experiment calls are not counted
  }

  @Override
  public void start(Events e) {
    this.events = Objects.requireNonNull(e, "events");
    bestJobs.start(e);
    experiments =
        experiments()
            .inNamespace(ns())
            .withLabel(JobRenderer.LABEL_MODEL, model)
            .inform(KubernetesBackend.handler(this::onExperiment), 0);
  }

  @Override
  public Map<String, String> submit(RetrainRun run, RunStep step, int attempt) {
    if (step != RunStep.TUNE) {
      return bestJobs.submit(run, step, attempt);
    }
    GenericKubernetesResource experiment = renderer.experiment(run, attempt);
    String name = experiment.getMetadata().getName();
    try {
      experiments().inNamespace(ns()).resource(experiment).create();
      LOG.info("created Katib experiment {} for run {}", name, run.key());
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw new StepException(
            "cannot create Katib experiment " + name + ": " + e.getMessage(), true, e);
      }
      GenericKubernetesResource current = experiments().inNamespace(ns()).withName(name).get();
      if (current == null) {
        throw new StepException("experiment " + name + " exists but cannot be read", true, e);
      }
      LOG.info("adopted existing Katib experiment {} for run {}", name, run.key());
      onExperiment(current); // report a state it reached while nobody watched
    }
    Map<String, String> h = new LinkedHashMap<>();
    h.put("namespace", ns());
    h.put("tuneExperiment", name);
    h.put("trials", renderer.jobs().location(renderer.trialsKey(run.key())));
    return h;
  }

  @Override
  public void cancel(RetrainRun run, RunStep step, int attempt) {
    if (step != RunStep.TUNE) {
      bestJobs.cancel(run, step, attempt);
      return;
    }
    String name = JobNames.experimentName(run.key(), attempt);
    experiments()
        .inNamespace(ns())
        .withName(name)
        .withPropagationPolicy(DeletionPropagation.BACKGROUND)
        .delete();
    LOG.info("deleted Katib experiment {} of run {}", name, run.key());
  }

  @Override
  public void reconcile(java.util.Collection<RetrainRun> runs) {
    bestJobs.reconcile(runs, java.util.EnumSet.of(RunStep.BEST));
    Map<String, RetrainRun> byKey = new LinkedHashMap<>();
    runs.forEach(r -> byKey.put(r.key(), r));
    java.util.Set<KubernetesBackend.Ref> present = new java.util.HashSet<>();
    for (GenericKubernetesResource e :
        experiments()
            .inNamespace(ns())
            .withLabel(JobRenderer.LABEL_MODEL, model)
            .list()
            .getItems()) {
      Optional<KubernetesBackend.Ref> r = KubernetesBackend.ref(e);
      if (r.isEmpty() || r.get().step() != RunStep.TUNE) {
        continue;
      }
      KubernetesBackend.Ref ref = r.get();
      present.add(ref);
      RetrainRun run = byKey.get(ref.key());
      if (run == null) {
        continue;
      }
      if (run.state() == io.driftgate.core.run.RunState.TUNING
          && run.submitted()
          && run.attempt() == ref.attempt()) {
        onExperiment(e); // what a lost event would have said
      } else if (KubernetesBackend.stopped(run)
          && !finished(map(e.getAdditionalProperties().get("status")))) {
        LOG.warn(
            "Katib experiment {} still runs for run {}, which is {}: deleting it",
            e.getMetadata().getName(),
            ref.key(),
            run.state());
        cancel(run, RunStep.TUNE, ref.attempt());
      }
    }
    for (RetrainRun run : runs) {
      if (run.state() == io.driftgate.core.run.RunState.TUNING
          && run.submitted()
          && !present.contains(new KubernetesBackend.Ref(run.key(), RunStep.TUNE, run.attempt()))) {
        emit(
            run.key(),
            new RunEvent.StepFailed(
                RunStep.TUNE,
                run.attempt(),
                "Katib experiment "
                    + JobNames.experimentName(run.key(), run.attempt())
                    + " is gone (deleted while the run was tuning)",
                true));
      }
    }
  }

  private static boolean finished(Map<?, ?> status) {
    return condition(status, "Succeeded").isPresent() || condition(status, "Failed").isPresent();
  }

  void onExperiment(GenericKubernetesResource experiment) {
    Optional<KubernetesBackend.Ref> r = KubernetesBackend.ref(experiment);
    Map<?, ?> status = map(experiment.getAdditionalProperties().get("status"));
    if (r.isEmpty() || r.get().step() != RunStep.TUNE || status.isEmpty()) {
      return;
    }
    KubernetesBackend.Ref ref = r.get();
    String name = experiment.getMetadata().getName();
    Optional<Map<?, ?>> succeeded = condition(status, "Succeeded");
    if (succeeded.isPresent()) {
      Map<?, ?> optimal = map(status.get("currentOptimalTrial"));
      Map<String, String> params = new LinkedHashMap<>();
      for (Object a : list(optimal.get("parameterAssignments"))) {
        Map<?, ?> assignment = map(a);
        if (assignment.get("name") != null && assignment.get("value") != null) {
          params.put(
              String.valueOf(assignment.get("name")), String.valueOf(assignment.get("value")));
        }
      }
      if (params.isEmpty()) {
        emit(
            ref.key(),
            new RunEvent.StepFailed(
                RunStep.TUNE,
                ref.attempt(),
                "Katib experiment "
                    + name
                    + " succeeded without an optimal trial: no trial reported "
                    + KatibRenderer.OBJECTIVE_METRIC
                    + " (is the metrics collector injected in namespace "
                    + ns()
                    + "?)",
                false));
        return;
      }
      LOG.info(
          "Katib experiment {} of run {}: optimal trial {} {} with {}={}",
          name,
          ref.key(),
          optimal.get("bestTrialName"),
          params,
          KatibRenderer.OBJECTIVE_METRIC,
          objective(optimal).orElse("?"));
      emit(ref.key(), new RunEvent.TuningSucceeded(ref.attempt(), params, null, null));
      return;
    }
    Optional<Map<?, ?>> failed = condition(status, "Failed");
    if (failed.isPresent()) {
      Object reason = failed.get().get("reason");
      Object message = failed.get().get("message");
      // Katib's words when more trials failed than maxFailedTrialCount (0)
      boolean trialFailed = message != null && String.valueOf(message).contains("max failed");
      emit(
          ref.key(),
          new RunEvent.StepFailed(
              RunStep.TUNE,
              ref.attempt(),
              "Katib experiment "
                  + name
                  + " failed: "
                  + reason
                  + (message == null ? "" : " (" + message + ")")
                  + (trialFailed
                      ? "; a trial failed after "
                          + renderer.config().backoffLimitPerIndex()
                          + " retries"
                      : ""),
              !trialFailed));
    }
  }

  /** The objective of the optimal trial: its best ({@code min}) value, else the latest. */
  static Optional<String> objective(Map<?, ?> optimalTrial) {
    for (Object m : list(map(optimalTrial.get("observation")).get("metrics"))) {
      Map<?, ?> metric = map(m);
      if (KatibRenderer.OBJECTIVE_METRIC.equals(metric.get("name"))) {
        Object v = metric.get("min") != null ? metric.get("min") : metric.get("latest");
        return Optional.ofNullable(v).map(String::valueOf);
      }
    }
    return Optional.empty();
  }

  private static Optional<Map<?, ?>> condition(Map<?, ?> status, String type) {
    for (Object c : list(status.get("conditions"))) {
      Map<?, ?> condition = map(c);
      if (type.equals(condition.get("type")) && "True".equals(condition.get("status"))) {
        return Optional.of(condition);
      }
    }
    return Optional.empty();
  }

  private static Map<?, ?> map(Object o) {
    return o instanceof Map<?, ?> m ? m : Map.of();
  }

  private static List<?> list(Object o) {
    return o instanceof List<?> l ? l : List.of();
  }

  private void emit(String key, RunEvent e) {
    Events ev = events;
    if (ev != null) {
      ev.emit(key, e);
    }
  }

  @Override
  public void close() {
    if (experiments != null) {
      experiments.close();
    }
    bestJobs.close();
  }
}
