package io.driftgate.launcher;

import io.driftgate.core.run.RetrainRun;
import org.slf4j.MDC;

/**
 * Puts a run's key, model and step into the logging context (SLF4J {@link MDC}) of this thread
 * while it works on the run, so that every line logged meanwhile (the JSON log's fields, see the
 * CLI's {@code JsonLayout}) names them; {@link #close()} restores what the thread had before.
 */
final class RunMdc implements AutoCloseable {
  /** MDC key of the run's idempotency key. */
  static final String RUN = "run";

  /** MDC key of the model. */
  static final String MODEL = "model";

  /** MDC key of the step ({@code tune}, {@code train}, {@code gate}, or the run's state). */
  static final String STEP = "step";

  private final String run;
  private final String model;
  private final String step;

  private RunMdc(String run, String model, String step) {
    this.run = MDC.get(RUN);
    this.model = MDC.get(MODEL);
    this.step = MDC.get(STEP);
    put(RUN, run);
    put(MODEL, model);
    put(STEP, step);
  }

  /** The run and the step of its current state (its state's name when it runs none). */
  static RunMdc of(RetrainRun r) {
    String step = LauncherMetrics.stepOf(r.state());
    return new RunMdc(
        r.key(),
        r.model(),
        step != null ? step : r.state().name().toLowerCase(java.util.Locale.ROOT));
  }

  /** The run and a step ({@code tune}, {@code train}, {@code gate}). */
  static RunMdc of(RetrainRun r, String step) {
    return new RunMdc(r.key(), r.model(), step);
  }

  @Override
  public void close() {
    put(RUN, run);
    put(MODEL, model);
    put(STEP, step);
  }

  private static void put(String key, String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }
}
