package io.driftgate.core.run;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a run's steps produced so far.
 *
 * @param bestParams the best trial's parameters (empty until tuning succeeded, or when the backend
 *     leaves them on the shared store)
 * @param bestTrial index of the best trial, or null
 * @param modelDir the best model's directory, or null
 * @param modelVersion registry version of the gated model, or null
 * @param promoted the gate verdict, or null before the gate decided
 * @param gateReason the gate's explanation, or null
 */
public record RunResults(
    Map<String, String> bestParams,
    Integer bestTrial,
    String modelDir,
    String modelVersion,
    Boolean promoted,
    String gateReason) {

  public static final RunResults NONE = new RunResults(Map.of(), null, null, null, null, null);

  public RunResults {
    bestParams =
        bestParams == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new TreeMap<>(bestParams));
  }

  RunResults withTuning(Map<String, String> params, Integer trial) {
    return new RunResults(params, trial, modelDir, modelVersion, promoted, gateReason);
  }

  RunResults withModelDir(String dir) {
    return new RunResults(bestParams, bestTrial, dir, modelVersion, promoted, gateReason);
  }

  RunResults withVerdict(boolean p, String version, String reason) {
    return new RunResults(bestParams, bestTrial, modelDir, version, p, reason);
  }
}
