package io.driftgate.launcher;

import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunEvent;
import io.driftgate.core.run.RunStep;
import java.util.Map;

/**
 * Runs the steps of retraining runs. Submission is idempotent: submitting a step attempt that
 * already exists adopts it (returns its handles, starts nothing new), which is how a restarted
 * launcher re-attaches to its runs. Progress comes back asynchronously through the {@link Events}
 * given to {@link #start}.
 */
public interface Backend extends AutoCloseable {

  /** Where a backend reports step progress: the key of the run and the event. */
  @FunctionalInterface
  interface Events {
    void emit(String runKey, RunEvent event);

    /**
     * Asks, before a gate decision of attempt {@code attempt} of run {@code runKey} is applied to
     * the registry (a promotion), whether the run still wants it: false when it was cancelled,
     * ended or moved on to another attempt, and then nothing may be applied. A true answer holds
     * back what would end the run otherwise (a cancel, a timeout) until {@link #releaseGate}.
     */
    default boolean claimGate(String runKey, int attempt) {
      return true;
    }

    /**
     * The decision claimed with {@link #claimGate} was applied (or not); called after its event.
     */
    default void releaseGate(String runKey, int attempt) {}
  }

  /**
   * The launcher's meters, for what only the backend sees (e.g. failed API calls); called once, by
   * the launcher's constructor, before {@link #start}.
   */
  default void bindMetrics(LauncherMetrics metrics) {}

  /** Starts watching; called once before the first submit. */
  void start(Events events);

  /**
   * Submits (or adopts) attempt {@code attempt} of {@code step} for {@code run}.
   *
   * @return handles naming what was created (job names, study dir)
   * @throws StepException when the step cannot be submitted ({@link StepException#retryable()}
   *     decides whether the run retries)
   */
  Map<String, String> submit(RetrainRun run, RunStep step, int attempt);

  /**
   * Compares the runs with what the backend runs, so that nothing depends on one watch event: the
   * current step attempt of every submitted in-flight run is read again and its state reported
   * (events it already reported are ignored by the run machine), a step that vanished is reported
   * failed (retryable), and a step still running for a run that ended (a cancel whose delete
   * failed, a launcher that died before deleting) is stopped. Called periodically on the launcher
   * thread with every run this launcher holds; throws when the backend cannot be read (the next
   * round tries again).
   */
  default void reconcile(java.util.Collection<RetrainRun> runs) {}

  /** Stops attempt {@code attempt} of {@code step} of {@code run}; no-op when it is not running. */
  void cancel(RetrainRun run, RunStep step, int attempt);

  @Override
  void close();
}
