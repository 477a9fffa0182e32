package io.driftgate.launcher;

import io.driftgate.core.run.RetrainRun;

/**
 * Gates a candidate model of a run on this machine (for {@link LocalBackend}); an adapter over the
 * gate module's {@code GateRunner} implements it. Throw {@link StepException} to fail the step.
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

  Verdict gate(RetrainRun run, String modelDir) throws Exception;
}
