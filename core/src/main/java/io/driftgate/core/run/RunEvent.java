package io.driftgate.core.run;

import java.util.Map;

/**
 * What happens to a run. Step events carry the attempt they belong to; an event of an older attempt
 * (a late report of a step that was already retried) is ignored.
 */
public sealed interface RunEvent {

  /** A free in-flight slot: start the run (REQUESTED → TUNING). */
  record Admit() implements RunEvent {}

  /**
   * The launcher pinned the run to a lake snapshot that covers its range (TUNING, before the study
   * is submitted): the snapshot is stored with the run's request and the study submitted.
   *
   * @param attempt the tuning attempt waiting for it
   * @param snapshotId the records-table snapshot id
   * @param metadataLocation the records table's metadata file holding it, or null
   * @param detail why it covers the range
   */
  record LakePinned(int attempt, String snapshotId, String metadataLocation, String detail)
      implements RunEvent {}

  /** The backend accepted (or adopted) a step; {@code handles} name what it created. */
  record Submitted(RunStep step, int attempt, Map<String, String> handles) implements RunEvent {
    public Submitted {
      handles = handles == null ? Map.of() : Map.copyOf(handles);
    }
  }

  /**
   * The study finished; {@code bestParams} may be empty and {@code bestModelDir} null when they
   * stay on the shared store.
   */
  record TuningSucceeded(
      int attempt, Map<String, String> bestParams, Integer bestTrial, String bestModelDir)
      implements RunEvent {
    public TuningSucceeded(int attempt, Map<String, String> bestParams, Integer bestTrial) {
      this(attempt, bestParams, bestTrial, null);
    }

    public TuningSucceeded {
      bestParams = bestParams == null ? Map.of() : Map.copyOf(bestParams);
    }
  }

  /** The best model was trained (TRAINING_BEST → GATING). */
  record TrainingSucceeded(int attempt, String modelDir) implements RunEvent {}

  /** The gate decided (GATING → PROMOTED or REJECTED). */
  record GateDecided(int attempt, boolean promoted, String modelVersion, String reason)
      implements RunEvent {}

  /**
   * A step failed. {@code retryable} failures (evicted pods, lost nodes, unreachable services) are
   * retried with backoff until the attempts run out; others fail the run at once.
   */
  record StepFailed(RunStep step, int attempt, String reason, boolean retryable)
      implements RunEvent {}

  /** Cancel the run (any non-terminal state → CANCELLED). */
  record Cancel(String reason) implements RunEvent {}

  /** Time passed: due retries are submitted, overdue states time out. */
  record Tick() implements RunEvent {}
}
