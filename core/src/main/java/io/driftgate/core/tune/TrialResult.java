package io.driftgate.core.tune;

import java.util.Map;

/**
 * The outcome of one trial.
 *
 * @param index trial index
 * @param params the trial's parameters
 * @param status how it ended
 * @param reason why it failed, was pruned or skipped (null when completed)
 * @param objective final objective (COMPLETED), last reported one (PRUNED), else null
 * @param metrics final (or last reported) metrics
 * @param durationMs wall time from launch to end, as seen by the tuner
 * @param epochs last epoch reported in metrics.jsonl (0 if none)
 */
public record TrialResult(
    int index,
    Map<String, String> params,
    TrialStatus status,
    String reason,
    Double objective,
    Map<String, Double> metrics,
    long durationMs,
    int epochs) {

  /** The objective was NaN or infinite. */
  public static final String REASON_NAN = "nan";

  /** No heartbeat within the heartbeat timeout (hung); the process was killed. */
  public static final String REASON_HEARTBEAT_TIMEOUT = "heartbeat timeout";

  /** Ran past the trial timeout; the process was killed. */
  public static final String REASON_TRIAL_TIMEOUT = "trial timeout";

  /** Prefix of the reason for a process that exited non-zero without a status. */
  public static final String REASON_EXIT_CODE = "exit code ";

  /** Exited 0 without writing a status. */
  public static final String REASON_NO_STATUS = "exited without status";

  /** Stopped by the tuner (ASHA). */
  public static final String REASON_PRUNED = "pruned by asha";

  /** Not run or not finished within maxWallTime. */
  public static final String REASON_WALL_TIME = "maxWallTime";

  /** The run was aborted. */
  public static final String REASON_ABORTED = "aborted";

  /** Prefix of the reason when the launcher could not start the process. */
  public static final String REASON_LAUNCH = "launch failed: ";

  public TrialResult {
    params = params == null ? Map.of() : Map.copyOf(params);
    metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
  }
}
