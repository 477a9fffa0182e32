package io.driftgate.launcher;

import io.driftgate.core.run.Outcome;
import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunAction;
import io.driftgate.core.run.RunEvent;
import io.driftgate.core.run.RunMachine;
import io.driftgate.core.run.RunRequest;
import io.driftgate.core.run.RunState;
import io.driftgate.core.run.RunStep;
import io.driftgate.core.run.RunStore;
import io.driftgate.core.run.StaleRunException;
import io.driftgate.schemas.RetrainRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives retraining runs: accepts requests (de-duplicated by idempotency key, persisted before they
 * are acknowledged), admits at most {@code maxInFlight} runs at a time (the rest wait in
 * REQUESTED), hands their steps to a {@link Backend} and persists every transition before acting on
 * it. All run changes happen on one thread, in order. {@link #start()} resumes every run the store
 * holds: in-flight steps are submitted again, which the backend turns into adoption.
 *
 * <p>With a {@link Pinning}, every run reads one lake snapshot: before the study of a run whose
 * request names no snapshot is submitted, the launcher asks the {@link SnapshotResolver} for one
 * that covers the request's range, every {@link Pinning#poll()} on a thread of its own, and stores
 * it with the run ({@link RunEvent.LakePinned}, persisted), so every step and a restarted launcher
 * use the same one. When none covers the range within {@link Pinning#timeout()}, the run FAILS with
 * a message naming the request, its range and what the lake holds. Once a run is PROMOTED, its
 * snapshot is tagged so that lake maintenance never expires it.
 */
public final class Launcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Launcher.class);

  private final String model;
  private final RunStore store;
  private final RunMachine machine;
  private final Backend backend;
  private final int maxInFlight;
  private final Clock clock;
  private final Duration tickInterval;
  private final ScheduledExecutorService loop;
  private final Map<String, RetrainRun> runs = new LinkedHashMap<>();
  private final Pinning pinning;
  private final ScheduledExecutorService lakeThread;

  /** Runs waiting for a lake snapshot: key → the tuning attempt waiting. */
  private final Map<String, Integer> waiting = new ConcurrentHashMap<>();

  /** Waiting runs whose lake check failed (warned once). */
  private final java.util.Set<String> unreadable = ConcurrentHashMap.newKeySet();

  /** Snapshot tags not written yet; {@link #close()} lets them finish. */
  private final java.util.Set<java.util.concurrent.Future<?>> tagging =
      ConcurrentHashMap.newKeySet();

  /** Runs whose gate decision the backend is applying now: key → attempt (see claimGate). */
  private final Map<String, Integer> applying = new ConcurrentHashMap<>();

  /** Cancels that arrived while a run's gate decision was applied; handled after it. */
  private final Map<String, RunEvent.Cancel> deferredCancels = new LinkedHashMap<>();

  private final Duration reconcileInterval;

  private final LauncherMetrics metrics;

  /** How often every in-flight run is compared with the backend when none is given. */
  public static final Duration DEFAULT_RECONCILE = Duration.ofMinutes(1);

  private volatile boolean started;
  private volatile boolean resumed; // start() has loaded and resumed the stored runs

  /**
   * How runs are pinned to lake snapshots.
   *
   * @param resolver finds the snapshot that covers a request's range
   * @param poll how often a run waiting for the lake checks again
   * @param timeout how long a run may wait before it fails
   */
  public record Pinning(SnapshotResolver resolver, Duration poll, Duration timeout) {
    /** A waiting run checks the lake every second. */
    public static final Duration DEFAULT_POLL = Duration.ofSeconds(1);

    /**
     * A run waits at most 10 minutes: the lake trails the monitor by about a commit interval
     * (seconds), so a longer wait means ingestion is not committing.
     */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    public Pinning {
      Objects.requireNonNull(resolver, "resolver");
      Objects.requireNonNull(poll, "poll");
      Objects.requireNonNull(timeout, "timeout");
      if (poll.isNegative() || poll.isZero() || timeout.isNegative()) {
        throw new IllegalArgumentException("poll must be > 0 and timeout >= 0");
      }
    }

    public static Pinning of(SnapshotResolver resolver) {
      return new Pinning(resolver, DEFAULT_POLL, DEFAULT_TIMEOUT);
    }
  }

  /** A launcher: set the required parts ({@code set*}), the others have defaults ({@code opt*}). */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link Launcher}; {@code set*} values are required, {@code opt*} ones optional. */
  public static final class Builder {
    private String model;
    private RunStore store;
    private RunMachine machine;
    private Backend backend;
    private int maxInFlight = 1;
    private Clock clock = Clock.systemUTC();
    private Duration tickInterval = Duration.ofSeconds(1);
    private Pinning pinning;
    private Duration reconcileInterval = DEFAULT_RECONCILE;

    private Builder() {}

    public Builder setModel(String v) {
      model = v;
      return this;
    }

    public Builder setStore(RunStore v) {
      store = v;
      return this;
    }

    public Builder setMachine(RunMachine v) {
      machine = v;
      return this;
    }

    public Builder setBackend(Backend v) {
      backend = v;
      return this;
    }

    /** Runs in flight at once (default 1). */
    public Builder optMaxInFlight(int v) {
      maxInFlight = v;
      return this;
    }

    /** The clock of timeouts and retries (default the system UTC clock). */
    public Builder optClock(Clock v) {
      clock = v;
      return this;
    }

    /**
     * How often due retries and timeouts are checked (default 1 s; a timer, not a poll of the
     * backend).
     */
    public Builder optTickInterval(Duration v) {
      tickInterval = v;
      return this;
    }

    /** How runs are pinned to lake snapshots (default null: not at all). */
    public Builder optPinning(Pinning v) {
      pinning = v;
      return this;
    }

    /**
     * How often every run is compared with the backend ({@link Backend#reconcile}; default 1 min):
     * a watch event that was lost costs at most this long, not the state's timeout.
     */
    public Builder optReconcileInterval(Duration v) {
      reconcileInterval = v;
      return this;
    }

    public Launcher build() {
      return new Launcher(this);
    }
  }

  private Launcher(Builder b) {
    String model = Objects.requireNonNull(b.model, "model (setModel)");
    RunStore store = b.store;
    RunMachine machine = b.machine;
    Backend backend = b.backend;
    int maxInFlight = b.maxInFlight;
    Clock clock = b.clock;
    Duration tickInterval = b.tickInterval;
    Pinning pinning = b.pinning;
    Duration reconcileInterval = b.reconcileInterval;
    this.reconcileInterval = Objects.requireNonNull(reconcileInterval, "reconcileInterval");
    if (reconcileInterval.isNegative() || reconcileInterval.isZero()) {
      throw new IllegalArgumentException("reconcileInterval must be > 0");
    }
    this.model = Objects.requireNonNull(model, "model");
    this.store = Objects.requireNonNull(store, "store (setStore)");
    this.machine = Objects.requireNonNull(machine, "machine (setMachine)");
    this.backend = Objects.requireNonNull(backend, "backend (setBackend)");
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be >= 1, got " + maxInFlight);
    }
    this.maxInFlight = maxInFlight;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.tickInterval = Objects.requireNonNull(tickInterval, "tickInterval");
    this.loop =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "driftgate-launcher-" + model);
              t.setDaemon(true);
              return t;
            });
    this.pinning = pinning;
    this.metrics = new LauncherMetrics(model);
    backend.bindMetrics(metrics);
    this.lakeThread =
        pinning == null
            ? null
            : Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, "driftgate-lake-" + model);
                  t.setDaemon(true);
                  return t;
                });
  }

  public String model() {
    return model;
  }

  /** This launcher's meters (served on {@code /metrics} by {@link LauncherHttp}). */
  public LauncherMetrics metrics() {
    return metrics;
  }

  /** Loads the store, resumes in-flight runs, admits queued ones and starts the timer. */
  public synchronized void start() {
    if (started) {
      return;
    }
    started = true;
    call(
        () -> {
          for (RetrainRun r : store.list()) {
            if (r.model().equals(model)) {
              runs.put(r.key(), r);
              metrics.runState(r.key(), r.state());
            }
          }
          return null;
        });
    backend.start(events()); // its first events find the runs loaded
    call(
        () -> {
          for (RetrainRun r : new ArrayList<>(runs.values())) {
            if (!r.state().terminal()) {
              try (RunMdc ignored = RunMdc.of(r)) {
                LOG.info("resuming run {} in {} (attempt {})", r.key(), r.state(), r.attempt());
                for (RunAction a : RunMachine.resumeActions(r)) {
                  act(r.key(), a);
                }
              }
            }
          }
          admitQueued();
          return null;
        });
    long ms = Math.max(1, tickInterval.toMillis());
    loop.scheduleWithFixedDelay(this::tickDue, ms, ms, TimeUnit.MILLISECONDS);
    long rms = Math.max(1, reconcileInterval.toMillis());
    loop.scheduleWithFixedDelay(this::reconcile, rms, rms, TimeUnit.MILLISECONDS);
    resumed = true;
  }

  /** Whether {@link #start()} has finished (stored runs resumed) and the launcher is not closed. */
  public boolean isStarted() {
    return resumed && !loop.isShutdown();
  }

  /**
   * Whether the launcher thread answers: a no-op queued behind its work completes within {@code
   * timeout}. False when the thread is stuck (e.g. in a backend call) or the launcher is closed; a
   * liveness probe, so it never throws.
   */
  public boolean alive(Duration timeout) {
    CompletableFuture<Void> answered = new CompletableFuture<>();
    try {
      loop.execute(() -> answered.complete(null));
      answered.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.RejectedExecutionException
        | TimeoutException
        | ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Accepts a request: stores a new run unless its key is known. Returns once the run is persisted
   * (so that the caller may commit the request's offset).
   *
   * @return true for a new run, false for a duplicate (or a request for another model)
   * @throws io.driftgate.core.run.InvalidIdempotencyKeyException for a key that is not one
   */
  public boolean accept(RetrainRequest request) {
    // Every way in (Kafka, HTTP, CLI) passes here: a key that is not a key never names a run.
    String key;
    try {
      key =
          io.driftgate.core.run.IdempotencyKey.validate(
              request.getIdempotencyKey(), "retrain request for " + request.getModel());
    } catch (RuntimeException e) {
      metrics.requestRejected(LauncherMetrics.REJECTED_INVALID_KEY);
      throw e;
    }
    if (!model.equals(request.getModel())) {
      metrics.requestConsumed(LauncherMetrics.Consumed.OTHER_MODEL);
      LOG.warn(
          "ignoring request {} for model {} (this launcher runs {})",
          key,
          request.getModel(),
          model);
      return false;
    }
    RunRequest what = RunRequest.from(request);
    return call(
        () -> {
          if (runs.containsKey(key) || store.get(key).isPresent()) {
            LOG.info("duplicate request {}: run exists, nothing started", key);
            metrics.requestConsumed(LauncherMetrics.Consumed.DUPLICATE);
            return false;
          }
          RetrainRun run = machine.request(key, model, what);
          if (!store.create(run)) {
            metrics.requestConsumed(LauncherMetrics.Consumed.DUPLICATE);
            return false;
          }
          runs.put(key, run);
          metrics.requestConsumed(LauncherMetrics.Consumed.ACCEPTED);
          metrics.runState(key, run.state());
          LOG.info("accepted request {} ({})", key, what.reasons());
          admitQueued();
          return true;
        });
  }

  /** Cancels a run (no-op for an unknown or finished one). Returns the run afterwards. */
  public Optional<RetrainRun> cancel(String key, String reason) {
    if (!started) {
      throw new IllegalStateException(
          "this launcher stands by (another one leads and runs the runs): cancel through the"
              + " leader, e.g. with 'driftgate runs cancel', which finds its endpoint in the state"
              + " database");
    }
    return call(
        () -> {
          handle(key, new RunEvent.Cancel(reason));
          return Optional.ofNullable(runs.get(key));
        });
  }

  /** The launcher as its backend sees it: events, and the claim on a gate decision. */
  private Backend.Events events() {
    return new Backend.Events() {
      @Override
      public void emit(String runKey, RunEvent event) {
        onEvent(runKey, event);
      }

      @Override
      public boolean claimGate(String runKey, int attempt) {
        return Launcher.this.claimGate(runKey, attempt);
      }

      @Override
      public void releaseGate(String runKey, int attempt) {
        Launcher.this.releaseGate(runKey, attempt);
      }
    };
  }

  /**
   * On the launcher thread, so that no cancel is between the check and the claim: a run may take
   * its gate decision only while it trains or gates that attempt ({@link RunMachine#mayApplyGate}).
   * False when the launcher is closed (a restarted one applies it).
   */
  private boolean claimGate(String key, int attempt) {
    try {
      return call(
          () -> {
            RetrainRun run = runs.get(key);
            if (run == null || !RunMachine.mayApplyGate(run, attempt)) {
              LOG.warn(
                  "run {}: not applying the gate decision of attempt {}: the run is {}{}",
                  key,
                  attempt,
                  run == null ? "unknown" : run.state(),
                  run == null ? "" : " (attempt " + run.attempt() + ")");
              return false;
            }
            applying.put(key, attempt);
            return true;
          });
    } catch (RuntimeException e) {
      LOG.debug("launcher closed; gate decision of {} not applied (applied on restart)", key);
      return false;
    }
  }

  /** Queued after the decision's event: a cancel held back meanwhile now finds the run ended. */
  private void releaseGate(String key, int attempt) {
    onLauncherThread(
        () -> {
          if (applying.remove(key, attempt)) {
            RunEvent.Cancel c = deferredCancels.remove(key);
            if (c != null) {
              handle(key, c);
            }
          }
        });
  }

  /** Compares every run with the backend; a failure is logged and the next round tries again. */
  private void reconcile() {
    try {
      backend.reconcile(new ArrayList<>(runs.values()));
    } catch (RuntimeException e) {
      LOG.warn("cannot compare the runs with the backend (trying again): {}", e.toString());
    }
  }

  /** A backend event; applied on the launcher thread. */
  public void onEvent(String key, RunEvent event) {
    try {
      loop.execute(() -> handle(key, event));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      LOG.debug("launcher closed; dropping {} for {} (replayed on restart)", event, key);
    }
  }

  /**
   * Snapshot of every run of this model, oldest first; before {@link #start()} (a launcher standing
   * by while another leads) read from the store, where the leader keeps every transition.
   */
  public List<RetrainRun> runs() {
    if (!started) { // a standby: what the leader stored
      return store.list().stream().filter(r -> r.model().equals(model)).toList();
    }
    return call(() -> new ArrayList<>(runs.values()));
  }

  /**
   * A run of this model; before {@link #start()} (a launcher standing by while another leads) read
   * from the store, where the leader keeps every transition.
   */
  public Optional<RetrainRun> run(String key) {
    if (!started) {
      return store.get(key).filter(r -> r.model().equals(model));
    }
    return call(() -> Optional.ofNullable(runs.get(key)));
  }

  /** Whether every known run has finished. */
  public boolean allTerminal() {
    return runs().stream().allMatch(r -> r.state().terminal());
  }

  /** Waits until every run has finished; false on timeout. */
  public boolean awaitAllTerminal(Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!allTerminal()) {
      if (System.nanoTime() > end) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  private void tickDue() {
    try {
      Instant now = clock.instant();
      for (RetrainRun r : new ArrayList<>(runs.values())) {
        Optional<Instant> wake = machine.nextWakeup(r);
        if (wake.isPresent() && !now.isBefore(wake.get())) {
          handle(r.key(), new RunEvent.Tick());
        }
      }
    } catch (RuntimeException e) {
      LOG.error("tick failed", e);
    }
  }

  private void handle(String key, RunEvent event) {
    RetrainRun run = runs.get(key);
    if (run == null) {
      LOG.debug("event for unknown run {}: {}", key, event);
      return;
    }
    try (RunMdc ignored = RunMdc.of(run)) {
      handle(run, event);
    }
  }

  private void handle(RetrainRun run, RunEvent event) {
    String key = run.key();
    if (applying.containsKey(key) && !run.state().terminal()) {
      // The registry is being changed for this run: ending it now would record a cancel (or a
      // timeout) that the promotion then contradicts. The cancel waits for the decision.
      if (event instanceof RunEvent.Cancel c) {
        LOG.info("run {}: its gate decision is being applied; the cancel waits for it", key);
        deferredCancels.put(key, c);
        return;
      }
      if (event instanceof RunEvent.Tick) {
        return; // a timeout waits too; the next tick after the decision sees the run
      }
    }
    Outcome o = machine.apply(run, event);
    if (!o.changed()) {
      return;
    }
    try {
      store.save(o.run()); // persisted before any action
    } catch (StaleRunException e) {
      // Another process changed the run since this launcher read it: its transition stands.
      Optional<RetrainRun> stored = store.get(key);
      LOG.error(
          "run {}: {}; not acting on {} and going on from the stored run ({}); is a second"
              + " launcher running on this state database?",
          key,
          e.getMessage(),
          event,
          stored.map(r -> r.state().name()).orElse("gone"));
      if (stored.isPresent()) {
        runs.put(key, stored.get());
        metrics.runState(key, stored.get().state());
      } else {
        runs.remove(key);
        metrics.forget(key);
      }
      return;
    }
    runs.put(key, o.run());
    metrics.transition(run, o.run());
    if (o.run().state() != run.state()
        && (o.run().state() == RunState.PROMOTED || o.run().state() == RunState.REJECTED)) {
      metrics.gateDecided(
          o.run().state() == RunState.PROMOTED,
          event instanceof RunEvent.GateDecided g ? g.reason() : last(o.run()));
    }
    if (o.run().state() != run.state()) {
      LOG.info("run {}: {} -> {} ({})", key, run.state(), o.run().state(), last(o.run()));
    }
    if (o.run().state().terminal()) {
      waiting.remove(key);
    }
    if (o.run().state() == RunState.PROMOTED && run.state() != RunState.PROMOTED) {
      keepSnapshot(o.run());
    }
    for (RunAction a : o.actions()) {
      act(key, a);
    }
    if (o.run().state().terminal()) {
      admitQueued();
    }
  }

  /** Whether the run must wait for a lake snapshot before its study is submitted. */
  private boolean needsSnapshot(RetrainRun run, RunAction a) {
    return pinning != null && a.step() == RunStep.TUNE && run.request().lakeSnapshot() == null;
  }

  /** Starts waiting for a snapshot that covers the run's range (once per attempt). */
  private void awaitSnapshot(RetrainRun run, int attempt) {
    String key = run.key();
    Integer before = waiting.put(key, attempt);
    if (before != null && before == attempt) {
      return;
    }
    Instant from = run.request().dataFrom();
    Instant to = run.request().dataTo();
    LOG.info("run {}: pinning a lake snapshot that covers [{}, {})", key, from, to);
    long deadline = System.nanoTime() + pinning.timeout().toNanos();
    onLakeThread(() -> checkSnapshot(key, attempt, from, to, deadline), Duration.ZERO);
  }

  /** One check, on the lake thread; reports the result on the launcher thread or checks again. */
  private void checkSnapshot(String key, int attempt, Instant from, Instant to, long deadline) {
    if (!Objects.equals(waiting.get(key), attempt)) {
      return; // cancelled, failed or pinned meanwhile
    }
    SnapshotResolver.Resolution r;
    try {
      r = pinning.resolver().resolve(key, from, to);
    } catch (RuntimeException | LinkageError e) { // the run goes on waiting, then fails
      if (unreadable.add(key)) {
        LOG.warn("run {}: cannot read the lake (checking again): {}", key, e.toString());
      }
      r = SnapshotResolver.Resolution.notYet("the lake cannot be read: " + e);
    }
    if (r.covered() || System.nanoTime() - deadline >= 0) {
      unreadable.remove(key);
    }
    if (r.covered()) {
      RunEvent pinned =
          new RunEvent.LakePinned(
              attempt, Long.toString(r.snapshotId()), r.metadataLocation(), r.detail());
      onLauncherThread(
          () -> {
            if (waiting.remove(key, attempt)) {
              handle(key, pinned);
            }
          });
    } else if (System.nanoTime() - deadline >= 0) {
      String why =
          "no lake snapshot covers request "
              + key
              + " (range ["
              + from
              + ", "
              + to
              + ")) after waiting "
              + io.driftgate.core.spec.Durations.format(pinning.timeout())
              + ": "
              + r.detail()
              + "; is ingestion committing to the lake?";
      onLauncherThread(
          () -> {
            if (waiting.remove(key, attempt)) {
              handle(key, new RunEvent.StepFailed(RunStep.TUNE, attempt, why, false));
            }
          });
    } else {
      LOG.debug("run {}: lake does not cover [{}, {}) yet: {}", key, from, to, r.detail());
      onLakeThread(() -> checkSnapshot(key, attempt, from, to, deadline), pinning.poll());
    }
  }

  /** Tags the snapshot of a promoted run; a failure is logged (lake maintenance tags it too). */
  private void keepSnapshot(RetrainRun run) {
    String snapshot = run.request().lakeSnapshot();
    if (pinning == null || snapshot == null) {
      return;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    tagging.add(done);
    boolean queued =
        onLakeThread(
            () -> {
              try {
                pinning.resolver().keep(Long.parseLong(snapshot.trim()));
              } catch (RuntimeException e) {
                LOG.warn(
                    "run {}: cannot tag lake snapshot {} of the promoted model: {} ('driftgate lake"
                        + " maintain' with the registry protects it)",
                    run.key(),
                    snapshot,
                    e.toString());
              } finally {
                done.complete(null);
                tagging.remove(done);
              }
            },
            Duration.ZERO);
    if (!queued) {
      tagging.remove(done);
    }
  }

  private boolean onLakeThread(Runnable r, Duration delay) {
    try {
      lakeThread.schedule(r, delay.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.RejectedExecutionException e) {
      LOG.debug("launcher closed; lake work dropped (pinning is repeated on restart)");
      return false;
    }
  }

  private void onLauncherThread(Runnable r) {
    try {
      loop.execute(r);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      LOG.debug("launcher closed; lake result dropped (repeated on restart)");
    }
  }

  private void act(String key, RunAction a) {
    RetrainRun run = runs.get(key);
    switch (a.kind()) {
      case SUBMIT -> {
        if (needsSnapshot(run, a)) {
          awaitSnapshot(run, a.attempt());
          return;
        }
        Map<String, String> handles;
        try {
          handles = backend.submit(run, a.step(), a.attempt());
        } catch (StepException e) {
          handle(
              key,
              new RunEvent.StepFailed(
                  a.step(), a.attempt(), "submit failed: " + e.getMessage(), e.retryable()));
          return;
        } catch (RuntimeException e) {
          handle(key, new RunEvent.StepFailed(a.step(), a.attempt(), "submit failed: " + e, true));
          return;
        }
        handle(key, new RunEvent.Submitted(a.step(), a.attempt(), handles));
      }
      case CANCEL -> {
        try {
          backend.cancel(run, a.step(), a.attempt());
        } catch (RuntimeException e) {
          // The run stays ended; the reconcile stops what still runs for it.
          LOG.warn(
              "cancel of {} {} attempt {} failed (the reconcile stops it later): {}",
              key,
              a.step(),
              a.attempt(),
              e.toString());
        }
      }
    }
  }

  private void admitQueued() {
    for (RetrainRun r : RunMachine.admissible(runs.values(), maxInFlight)) {
      handle(r.key(), new RunEvent.Admit());
    }
  }

  private static String last(RetrainRun r) {
    return r.history().isEmpty() ? "" : r.history().get(r.history().size() - 1).reason();
  }

  private <T> T call(java.util.concurrent.Callable<T> c) {
    CompletableFuture<T> f = new CompletableFuture<>();
    loop.execute(
        () -> {
          try {
            f.complete(c.call());
          } catch (Throwable t) {
            f.completeExceptionally(t);
          }
        });
    try {
      return f.get(5, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("launcher thread did not answer", e);
    }
  }

  @Override
  public void close() {
    backend.close();
    loop.shutdownNow();
    for (java.util.concurrent.Future<?> f : new ArrayList<>(tagging)) {
      try { // a promoted model's snapshot tag is worth a short wait
        f.get(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (ExecutionException | TimeoutException e) {
        LOG.warn("a lake snapshot tag did not finish before the launcher closed: {}", e.toString());
      }
    }
    if (lakeThread != null) {
      lakeThread.shutdownNow();
    }
    try {
      loop.awaitTermination(5, TimeUnit.SECONDS);
      if (lakeThread != null) {
        lakeThread.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (pinning != null) {
      pinning.resolver().close();
    }
  }

  /** Terminal states, for callers that summarise. */
  public static boolean finished(RunState s) {
    return s.terminal();
  }
}
