package io.driftgate.launcher;

import io.driftgate.core.run.RetrainRun;

/**
 * Gates a candidate model of a run on this machine (for {@link LocalBackend}); an adapter over the
 * gate module's {@code GateService} implements it. Throw {@link StepException} to fail the step.
 */
@FunctionalInterface
public interface GateStep {

  /**
   * A gate verdict.
   *
   * @param promoted whether the model was promoted
   * @param modelVersion the registry version it got, or null
   * @param reason the explanation
   */
  record Verdict(boolean promoted, String modelVersion, String reason) {}

  /**
   * Asked once the gate has decided and before anything is written to the registry (the version,
   * the alias moves). False when the run no longer takes a decision (cancelled, ended, moved on to
   * another attempt): then nothing may be written, and the step throws {@link NotApplied}. The same
   * check a gate pod's decision passes through ({@link Backend.Events#claimGate}).
   */
  @FunctionalInterface
  interface Claim {
    boolean mayApply();
  }

  /** The run refused the decision ({@link Claim#mayApply} was false); the registry is untouched. */
  final class NotApplied extends Exception {
    public NotApplied(String message) {
      super(message);
    }
  }

  /**
   * Gates {@code modelDir} for {@code run}; calls {@code claim} after deciding and before writing
   * to the registry.
   */
  Verdict gate(RetrainRun run, String modelDir, Claim claim) throws Exception;
}
