package io.driftgate.core.run;

/**
 * Lifecycle of a retraining run; the same symbols as {@code io.driftgate.schemas.RunStatus}.
 *
 * <pre>
 * REQUESTED → TUNING → TRAINING_BEST → GATING → PROMOTED | REJECTED
 *     any non-terminal state → FAILED | CANCELLED
 * </pre>
 */
public enum RunState {
  REQUESTED,
  TUNING,
  TRAINING_BEST,
  GATING,
  PROMOTED,
  REJECTED,
  FAILED,
  CANCELLED;

  /** The run ended; no event changes it any more. */
  public boolean terminal() {
    return this == PROMOTED || this == REJECTED || this == FAILED || this == CANCELLED;
  }

  /** The run holds an in-flight slot (a step is submitted or about to be). */
  public boolean inFlight() {
    return this == TUNING || this == TRAINING_BEST || this == GATING;
  }

  /** The backend step that carries out this state, or null for REQUESTED and terminal states. */
  public RunStep step() {
    return switch (this) {
      case TUNING -> RunStep.TUNE;
      case TRAINING_BEST, GATING -> RunStep.BEST;
      default -> null;
    };
  }
}
