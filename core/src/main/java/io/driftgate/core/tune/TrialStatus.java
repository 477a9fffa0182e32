package io.driftgate.core.tune;

/** How a trial ended. COMPLETED, FAILED and PRUNED are final and kept on resume. */
public enum TrialStatus {
  COMPLETED,
  FAILED,
  PRUNED,
  /** Not run to an end (budget exhausted or run aborted); not persisted, so resume re-runs it. */
  SKIPPED;

  /** Whether the status is written to status.json and kept on resume. */
  public boolean isFinal() {
    return this != SKIPPED;
  }
}
