package io.driftgate.launcher;

import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunEvent;
import io.driftgate.core.run.RunStep;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs steps on this machine, each on a worker thread, through a {@link TuningStep} and a {@link
 * GateStep}. The BEST step reuses the best trial's model (the study trains it on the run's range)
 * and gates it. A step attempt that is already running is adopted, not started twice.
 */
public final class LocalBackend implements Backend {
  private static final Logger LOG = LoggerFactory.getLogger(LocalBackend.class);

  private final TuningStep tuning;
  private final GateStep gate;
  private final ExecutorService workers;
  private final Map<String, Future<?>> running = new ConcurrentHashMap<>();
  private volatile Events events;

  public LocalBackend(TuningStep tuning, GateStep gate, int threads) {
    this.tuning = Objects.requireNonNull(tuning, "tuning");
    this.gate = Objects.requireNonNull(gate, "gate");
    AtomicInteger n = new AtomicInteger();
    this.workers =
        Executors.newFixedThreadPool(
            Math.max(1, threads),
            r -> {
              Thread t = new Thread(r, "driftgate-local-step-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** The name of a step attempt (its handle). */
  public static String taskName(RetrainRun run, RunStep step, int attempt) {
    return "local:" + run.key() + ":" + step.label() + ":" + attempt;
  }

  @Override
  public void start(Events e) {
    this.events = Objects.requireNonNull(e, "events");
  }

  @Override
  public Map<String, String> submit(RetrainRun run, RunStep step, int attempt) {
    String name = taskName(run, step, attempt);
    FutureTask<Void> task = new FutureTask<>(() -> execute(run, step, attempt), null);
    if (running.putIfAbsent(name, task) == null) {
      workers.execute(
          () -> {
            try {
              task.run();
            } finally {
              running.remove(name, task);
            }
          });
    }
    return Map.of(step.label() + "Task", name);
  }

  private void execute(RetrainRun run, RunStep step, int attempt) {
    String key = run.key();
    AtomicBoolean claimed = new AtomicBoolean();
    try (RunMdc ignored = RunMdc.of(run, step == RunStep.TUNE ? "tune" : "gate")) {
      if (step == RunStep.TUNE) {
        TuningStep.Result r = tuning.tune(run, attempt);
        events.emit(
            key,
            new RunEvent.TuningSucceeded(attempt, r.bestParams(), r.bestTrial(), r.modelDir()));
      } else {
        String modelDir = run.results().modelDir();
        events.emit(key, new RunEvent.TrainingSucceeded(attempt, modelDir));
        gateAndApply(run, attempt, modelDir, claimed);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.info("{} {} attempt {} interrupted (cancelled)", key, step.label(), attempt);
    } catch (StepException e) {
      events.emit(key, new RunEvent.StepFailed(step, attempt, e.getMessage(), e.retryable()));
    } catch (Exception e) {
      if (Thread.currentThread().isInterrupted()) {
        LOG.info("{} {} attempt {} cancelled", key, step.label(), attempt);
        return;
      }
      events.emit(key, new RunEvent.StepFailed(step, attempt, String.valueOf(e), false));
    } finally {
      if (claimed.get()) {
        events.releaseGate(key, attempt); // after the event: a held cancel follows it
      }
    }
  }

  /**
   * Gates on this thread; the registry is written only after the launcher's claim (a cancel that
   * came meanwhile wins, and a claimed decision holds back a cancel until its event is applied).
   */
  private void gateAndApply(RetrainRun run, int attempt, String modelDir, AtomicBoolean claimed)
      throws Exception {
    String key = run.key();
    try {
      GateStep.Verdict v =
          gate.gate(
              run,
              modelDir,
              () -> {
                claimed.set(events.claimGate(key, attempt));
                return claimed.get();
              });
      events.emit(
          key, new RunEvent.GateDecided(attempt, v.promoted(), v.modelVersion(), v.reason()));
    } catch (GateStep.NotApplied e) {
      LOG.info("{} gate attempt {}: decision not applied: {}", key, attempt, e.getMessage());
    }
  }

  @Override
  public void cancel(RetrainRun run, RunStep step, int attempt) {
    Future<?> f = running.remove(taskName(run, step, attempt));
    if (f != null) {
      f.cancel(true);
    }
  }

  /** Step attempts running now. */
  public int runningCount() {
    return running.size();
  }

  @Override
  public void close() {
    workers.shutdownNow();
  }
}
