package io.driftgate.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunEvent;
import io.driftgate.core.run.RunStep;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs steps as Kubernetes Jobs (see {@link JobRenderer}) and follows them with shared informers on
 * Jobs and Pods labelled {@code driftgate.io/model=<model>} — watches, no polling. Job names come
 * from the idempotency key, so a second create of the same step attempt gets 409 and adopts the
 * existing Job. Progress:
 *
 * <ul>
 *   <li>tuning Job Complete → {@code TuningSucceeded}; failed indexes (after {@code
 *       backoffLimitPerIndex} retries each) → {@code StepFailed} naming them, not retryable;
 *   <li>best Job: before it is created the launcher writes the champion its gate compares with to
 *       the artifact store ({@link StepArtifacts#prepareGate}); init container {@code train-best}
 *       exited 0 → {@code TrainingSucceeded}; container {@code gate} exited 0 with a JSON verdict
 *       as termination message → the launcher applies the decision the pod left in the store
 *       (registers the challenger, moves the aliases: {@link StepArtifacts#applyGate}, on a thread
 *       of its own) → {@code GateDecided};
 *   <li>a Job Failed for another reason → {@code StepFailed}, retryable unless the deadline passed;
 *       evicted pods are recreated by the Job (its pod failure policy ignores disruptions).
 * </ul>
 */
public final class KubernetesBackend implements Backend {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesBackend.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  private final JobRenderer renderer;
  private final String model;
  private final StepArtifacts artifacts;
  private final java.util.concurrent.ExecutorService gates;

  /** Gate attempts whose decision is being applied or was applied (repeated pod events). */
  private final java.util.Set<Ref> decided = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private volatile Events events;
  private volatile LauncherMetrics metrics;
  private SharedIndexInformer<Job> jobs;
  private SharedIndexInformer<Pod> pods;

  /** A backend that takes gate verdicts as reported (see {@link StepArtifacts#reportedOnly()}). */
  public KubernetesBackend(KubernetesClient client, JobRenderer renderer, String model) {
    this(client, renderer, model, StepArtifacts.reportedOnly());
  }

  public KubernetesBackend(
      KubernetesClient client, JobRenderer renderer, String model, StepArtifacts artifacts) {
    this.client = Objects.requireNonNull(client, "client");
    this.renderer = Objects.requireNonNull(renderer, "renderer");
    this.model = Objects.requireNonNull(model, "model");
    this.artifacts = Objects.requireNonNull(artifacts, "artifacts");
    this.gates =
        java.util.concurrent.Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "driftgate-gate-decisions-" + model);
              t.setDaemon(true);
              return t;
            });
  }

  private String ns() {
    return renderer.config().namespace();
  }

  @Override
  public void bindMetrics(LauncherMetrics m) {
    this.metrics = m;
  }

  /** Counts a failed API call ({@link LauncherMetrics#KUBERNETES_API_ERRORS}). */
  private void apiError(String operation) {
    LauncherMetrics m = metrics;
    if (m != null) {
      m.kubernetesApiError(operation);
    }
  }

  @Override
  public void start(Events e) {
    this.events = Objects.requireNonNull(e, "events");
    pods =
        client
            .pods()
            .inNamespace(ns())
            .withLabel(JobRenderer.LABEL_MODEL, model)
            .inform(handler(this::onPod), 0);
    jobs =
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(ns())
            .withLabel(JobRenderer.LABEL_MODEL, model)
            .inform(handler(this::onJob), 0);
  }

  /** Calls {@code f} on every added or updated object, logging what it throws. */
  static <T extends HasMetadata> ResourceEventHandler<T> handler(java.util.function.Consumer<T> f) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        safely(f, obj);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        safely(f, newObj);
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {}
    };
  }

  private static <T extends HasMetadata> void safely(java.util.function.Consumer<T> f, T obj) {
    try {
      f.accept(obj);
    } catch (RuntimeException e) {
      LOG.error("cannot handle {} {}", obj.getKind(), obj.getMetadata().getName(), e);
    }
  }

  @Override
  public Map<String, String> submit(RetrainRun run, RunStep step, int attempt) {
    if (step == RunStep.BEST) {
      // before the Job: its gate reads the champion from the store
      artifacts.prepareGate(run, attempt, renderer.championKey(run.key(), attempt));
    }
    Job job = renderer.render(run, step, attempt);
    String name = job.getMetadata().getName();
    Job current;
    try {
      current = client.batch().v1().jobs().inNamespace(ns()).resource(job).create();
      LOG.info("created job {} for run {}", name, run.key());
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        apiError("create");
        throw new StepException("cannot create job " + name + ": " + e.getMessage(), true, e);
      }
      current = client.batch().v1().jobs().inNamespace(ns()).withName(name).get();
      if (current == null) {
        throw new StepException("job " + name + " exists but cannot be read", true, e);
      }
      LOG.info("adopted existing job {} for run {}", name, run.key());
      Job adopted = current;
      onJob(adopted); // report a state it reached while nobody watched
    }
    Map<String, String> h = new LinkedHashMap<>();
    h.put("namespace", ns());
    h.put(step.label() + "Job", name);
    h.put("study", renderer.location(renderer.studyKey(run.key())));
    if (step == RunStep.BEST) {
      h.put("model", renderer.location(renderer.bestKey(run.key(), attempt)));
      h.put("gate", renderer.location(renderer.gateKey(run.key(), attempt)));
    }
    return h;
  }

  @Override
  public void cancel(RetrainRun run, RunStep step, int attempt) {
    String name = JobNames.jobName(run.key(), step, attempt);
    delete(name);
    LOG.info("deleted job {} of run {}", name, run.key());
  }

  @Override
  public void reconcile(java.util.Collection<RetrainRun> runs) {
    reconcile(runs, java.util.EnumSet.allOf(RunStep.class));
  }

  /**
   * {@link Backend#reconcile} for the steps this backend runs as Jobs ({@code steps}): one list of
   * the model's Jobs (and, when a run gates, of its best pods), read from the API server, not from
   * the informers' caches, which a lost event leaves behind too.
   */
  void reconcile(java.util.Collection<RetrainRun> runs, java.util.Set<RunStep> steps) {
    Map<String, RetrainRun> byKey = new LinkedHashMap<>();
    runs.forEach(r -> byKey.put(r.key(), r));
    List<Job> list;
    try {
      list =
          client
              .batch()
              .v1()
              .jobs()
              .inNamespace(ns())
              .withLabel(JobRenderer.LABEL_MODEL, model)
              .list()
              .getItems();
    } catch (KubernetesClientException e) {
      apiError("list");
      throw e;
    }
    java.util.Set<Ref> present = new java.util.HashSet<>();
    List<Pod> bestPods = null;
    for (Job job : list) {
      Optional<Ref> r = ref(job);
      if (r.isEmpty() || !steps.contains(r.get().step())) {
        continue;
      }
      Ref ref = r.get();
      present.add(ref);
      RetrainRun run = byKey.get(ref.key());
      if (run == null) {
        continue; // not a run of this launcher's store: not ours to judge
      }
      if (current(run, ref)) {
        onJob(job); // what a lost event would have said; repeats are ignored by the machine
        if (ref.step() == RunStep.BEST) {
          if (bestPods == null) {
            bestPods = bestPods();
          }
          for (Pod p : bestPods) {
            if (ref(p).filter(ref::equals).isPresent()) {
              onPod(p);
            }
          }
        }
      } else if (!finished(job) && (stopped(run) || run.attempt() > ref.attempt())) {
        String name = job.getMetadata().getName();
        LOG.warn(
            "job {} still runs for run {}, which is {}{}: deleting it",
            name,
            ref.key(),
            run.state(),
            run.state().terminal() ? "" : " at attempt " + run.attempt());
        delete(name);
      }
    }
    for (RetrainRun run : runs) {
      RunStep step = run.step();
      if (!run.state().inFlight() || !run.submitted() || step == null || !steps.contains(step)) {
        continue;
      }
      Ref ref = new Ref(run.key(), step, run.attempt());
      if (!present.contains(ref)) {
        String name = JobNames.jobName(run.key(), step, run.attempt());
        emit(
            run.key(),
            new RunEvent.StepFailed(
                step,
                run.attempt(),
                "job " + name + " is gone (deleted while the run was " + run.state() + ")",
                true));
      }
    }
  }

  /** Whether {@code ref} is the step attempt the run is waiting for now. */
  private static boolean current(RetrainRun run, Ref ref) {
    return run.state().inFlight()
        && run.submitted()
        && run.step() == ref.step()
        && run.attempt() == ref.attempt();
  }

  /**
   * A run whose ending cancelled its step (a cancel, a timeout, a failure): what still runs for it
   * is stopped. A promoted or rejected run's Job is left to finish (its pod reported first).
   */
  static boolean stopped(RetrainRun run) {
    return run.state() == io.driftgate.core.run.RunState.CANCELLED
        || run.state() == io.driftgate.core.run.RunState.FAILED;
  }

  private static boolean finished(Job job) {
    JobStatus st = job.getStatus();
    return st != null && (condition(st, "Complete") || condition(st, "Failed"));
  }

  private List<Pod> bestPods() {
    try {
      return client
          .pods()
          .inNamespace(ns())
          .withLabel(JobRenderer.LABEL_MODEL, model)
          .withLabel(JobRenderer.LABEL_STEP, RunStep.BEST.label())
          .list()
          .getItems();
    } catch (KubernetesClientException e) {
      apiError("list");
      throw e;
    }
  }

  private void delete(String name) {
    try {
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace(ns())
          .withName(name)
          .withPropagationPolicy(DeletionPropagation.BACKGROUND)
          .delete();
    } catch (KubernetesClientException e) {
      apiError("delete");
      throw e;
    }
  }

  /** The run step attempt an object belongs to, from its labels and key annotation. */
  record Ref(String key, RunStep step, int attempt) {}

  static Optional<Ref> ref(HasMetadata o) {
    Map<String, String> labels = o.getMetadata().getLabels();
    Map<String, String> ann = o.getMetadata().getAnnotations();
    if (labels == null || ann == null || ann.get(JobRenderer.ANNOTATION_KEY) == null) {
      return Optional.empty();
    }
    String step = labels.get(JobRenderer.LABEL_STEP);
    String attempt = labels.get(JobRenderer.LABEL_ATTEMPT);
    if (step == null || attempt == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new Ref(
              ann.get(JobRenderer.ANNOTATION_KEY),
              RunStep.valueOf(step.toUpperCase(java.util.Locale.ROOT)),
              Integer.parseInt(attempt)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  void onJob(Job job) {
    Optional<Ref> r = ref(job);
    JobStatus st = job.getStatus();
    if (r.isEmpty() || st == null) {
      return;
    }
    Ref ref = r.get();
    String name = job.getMetadata().getName();
    String failedIndexes = st.getFailedIndexes();
    if (failedIndexes != null && !failedIndexes.isBlank()) {
      emit(
          ref.key(),
          new RunEvent.StepFailed(
              ref.step(),
              ref.attempt(),
              "job "
                  + name
                  + ": trial index "
                  + failedIndexes
                  + " failed after "
                  + renderer.config().backoffLimitPerIndex()
                  + " retries per index",
              false));
      return;
    }
    if (condition(st, "Complete")) {
      if (ref.step() == RunStep.TUNE) {
        StepArtifacts.BestTrial best = bestTrial(ref.key());
        emit(
            ref.key(),
            new RunEvent.TuningSucceeded(ref.attempt(), best.params(), best.index(), null));
      } else if (pods != null) {
        for (Pod p : pods.getStore().list()) {
          if (ref(p).filter(ref::equals).isPresent()) {
            onPod(p);
          }
        }
      }
      return;
    }
    Optional<JobCondition> failed = conditionOf(st, "Failed");
    if (failed.isPresent()) {
      String reason = failed.get().getReason();
      boolean deadline = "DeadlineExceeded".equals(reason);
      emit(
          ref.key(),
          new RunEvent.StepFailed(
              ref.step(),
              ref.attempt(),
              "job "
                  + name
                  + " failed: "
                  + reason
                  + (failed.get().getMessage() == null
                      ? ""
                      : " (" + failed.get().getMessage() + ")"),
              !deadline));
    }
  }

  /**
   * The best finished trial, read from the study in the artifact store, for the run's record (what
   * won); none when it cannot be read (the BEST Job still finds it).
   */
  private StepArtifacts.BestTrial bestTrial(String key) {
    try {
      return artifacts
          .bestTrial(key, renderer.studyKey(key))
          .map(
              t -> {
                Map<String, String> searched = new LinkedHashMap<>();
                renderer
                    .config()
                    .grid()
                    .keySet()
                    .forEach(
                        k -> {
                          if (t.params().containsKey(k)) {
                            searched.put(k, t.params().get(k));
                          }
                        });
                return new StepArtifacts.BestTrial(searched, t.index());
              })
          .orElse(new StepArtifacts.BestTrial(Map.of(), null));
    } catch (RuntimeException e) {
      LOG.warn("cannot read the study of run {}: {}", key, e.toString());
      return new StepArtifacts.BestTrial(Map.of(), null);
    }
  }

  void onPod(Pod pod) {
    Optional<Ref> r = ref(pod);
    if (r.isEmpty() || pod.getStatus() == null) {
      return;
    }
    Ref ref = r.get();
    if (evicted(pod)) {
      LOG.warn(
          "pod {} of run {} was evicted/disrupted; the job recreates it",
          pod.getMetadata().getName(),
          ref.key());
      return;
    }
    if (ref.step() != RunStep.BEST) {
      return;
    }
    for (ContainerStatus cs : list(pod.getStatus().getInitContainerStatuses())) {
      if (JobRenderer.TRAIN_CONTAINER.equals(cs.getName()) && exitedZero(cs)) {
        emit(
            ref.key(),
            new RunEvent.TrainingSucceeded(
                ref.attempt(), renderer.location(renderer.bestKey(ref.key(), ref.attempt()))));
      }
    }
    for (ContainerStatus cs : list(pod.getStatus().getContainerStatuses())) {
      if (JobRenderer.GATE_CONTAINER.equals(cs.getName()) && exitedZero(cs)) {
        String msg = cs.getState().getTerminated().getMessage();
        GateStep.Verdict reported;
        try {
          JsonNode v = JSON.readTree(msg == null ? "" : msg);
          if (v == null || !v.has("promoted")) {
            throw new IllegalArgumentException("no \"promoted\" field");
          }
          reported =
              new GateStep.Verdict(
                  v.get("promoted").asBoolean(),
                  v.hasNonNull("version") ? v.get("version").asText() : null,
                  v.hasNonNull("reason") ? v.get("reason").asText() : null);
        } catch (Exception e) {
          emit(
              ref.key(),
              new RunEvent.StepFailed(
                  RunStep.BEST,
                  ref.attempt(),
                  "gate verdict of pod "
                      + pod.getMetadata().getName()
                      + " unreadable: "
                      + e.getMessage(),
                  false));
          continue;
        }
        decide(ref, reported);
      }
    }
  }

  /**
   * Applies the gate decision of a BEST attempt once per launcher (pod updates repeat), on the
   * decisions thread: registering a challenger reads its files from the store.
   */
  private void decide(Ref ref, GateStep.Verdict reported) {
    if (!decided.add(ref)) {
      return;
    }
    String decisionKey = renderer.decisionKey(ref.key(), ref.attempt());
    try {
      gates.execute(
          () -> {
            Events ev = events;
            // A cancelled (or ended, or retried) run takes no promotion, whatever its pod decided.
            if (ev == null || !ev.claimGate(ref.key(), ref.attempt())) {
              return;
            }
            try {
              GateStep.Verdict v =
                  artifacts.applyGate(ref.key(), ref.attempt(), decisionKey, reported);
              emit(
                  ref.key(),
                  new RunEvent.GateDecided(
                      ref.attempt(), v.promoted(), v.modelVersion(), v.reason()));
            } catch (StepException e) {
              decided.remove(ref); // a retry of the attempt may bring the pod's verdict again
              emit(
                  ref.key(),
                  new RunEvent.StepFailed(
                      RunStep.BEST,
                      ref.attempt(),
                      "cannot apply the gate decision "
                          + renderer.location(decisionKey)
                          + ": "
                          + e.getMessage(),
                      e.retryable()));
            } catch (RuntimeException e) {
              decided.remove(ref);
              LOG.error("cannot apply the gate decision {} of run {}", decisionKey, ref.key(), e);
              emit(
                  ref.key(),
                  new RunEvent.StepFailed(
                      RunStep.BEST,
                      ref.attempt(),
                      "cannot apply the gate decision " + renderer.location(decisionKey) + ": " + e,
                      true));
            } finally {
              ev.releaseGate(ref.key(), ref.attempt()); // after the event: a held cancel follows it
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      decided.remove(ref); // closed: a restarted launcher applies it
    }
  }

  private static boolean evicted(Pod pod) {
    if ("Evicted".equals(pod.getStatus().getReason())) {
      return true;
    }
    for (PodCondition c : list(pod.getStatus().getConditions())) {
      if ("DisruptionTarget".equals(c.getType()) && "True".equals(c.getStatus())) {
        return true;
      }
    }
    return false;
  }

  private static boolean exitedZero(ContainerStatus cs) {
    return cs.getState() != null
        && cs.getState().getTerminated() != null
        && Integer.valueOf(0).equals(cs.getState().getTerminated().getExitCode());
  }

  private static <T> List<T> list(List<T> l) {
    return l == null ? List.of() : l;
  }

  private static boolean condition(JobStatus st, String type) {
    return conditionOf(st, type).isPresent();
  }

  private static Optional<JobCondition> conditionOf(JobStatus st, String type) {
    return list(st.getConditions()).stream()
        .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
        .findFirst();
  }

  private void emit(String key, RunEvent e) {
    Events ev = events;
    if (ev != null) {
      ev.emit(key, e);
    }
  }

  @Override
  public void close() {
    if (jobs != null) {
      jobs.close();
    }
    if (pods != null) {
      pods.close();
    }
    gates.shutdown();
    try { // a decision being applied finishes its database transaction
      if (!gates.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)) {
        gates.shutdownNow();
      }
    } catch (InterruptedException e) {
      gates.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
