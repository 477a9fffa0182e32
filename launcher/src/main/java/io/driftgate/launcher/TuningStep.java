package io.driftgate.launcher;

import io.driftgate.core.run.RetrainRun;
import java.util.Map;

/**
 * Runs the tuning study of a run on this machine (for {@link LocalBackend}); an adapter over the
 * trainer's {@code TuneRunner} implements it. Throw {@link StepException} to fail the step
 * (retryable or not); other exceptions fail it without retry. Interruption means cancellation.
 */
@FunctionalInterface
public interface TuningStep {

  /**
   * The best trial of a study.
   *
   * @param bestParams its parameters
   * @param bestTrial its index, or null
   * @param modelDir the directory of its model (the candidate the gate judges)
   * @param studyDir the study directory, or null
   */
  record Result(
      Map<String, String> bestParams, Integer bestTrial, String modelDir, String studyDir) {
    public Result {
      bestParams = bestParams == null ? Map.of() : Map.copyOf(bestParams);
    }
  }

  Result tune(RetrainRun run, int attempt) throws Exception;
}
