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
  }

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

  /** Stops attempt {@code attempt} of {@code step} of {@code run}; no-op when it is not running. */
  void cancel(RetrainRun run, RunStep step, int attempt);

  @Override
  void close();
}
