package io.driftgate.launcher;

import io.driftgate.core.run.IdempotencyKey;
import io.driftgate.core.run.RunStep;

/**
 * Kubernetes names derived from a run's idempotency key: DNS-1123 labels of at most 63 characters,
 * readable prefix plus a hash of the whole key, so equal keys give equal names (re-creation adopts)
 * and different keys differ even when their readable parts collide.
 */
public final class JobNames {
  public static final int MAX = 63;

  private JobNames() {}

  /** Value of the {@code driftgate.io/run} label: {@code <readable key>-<hash10>}. */
  public static String runLabel(String key) {
    String hash = hash(key);
    String base = clean(key, MAX - hash.length() - 1 - 8);
    return base.isEmpty() ? "run-" + hash : base + "-" + hash;
  }

  /** Name of the Job of a step attempt: {@code dg-<run label>-<step>-<attempt>}. */
  public static String jobName(String key, RunStep step, int attempt) {
    return name(key, "-" + step.label() + "-" + attempt, MAX);
  }

  /**
   * Katib's validating webhook refuses Experiment names over 40 characters (which also leaves room
   * for the {@code -<8 random characters>} of each trial's, and so its Job's, name).
   */
  public static final int MAX_EXPERIMENT = 40;

  /** Name of the Katib Experiment of a tuning attempt: {@code dg-<run label>-tune-<attempt>}. */
  public static String experimentName(String key, int attempt) {
    return name(key, "-" + RunStep.TUNE.label() + "-" + attempt, MAX_EXPERIMENT);
  }

  private static String name(String key, String suffix, int max) {
    String hash = hash(key);
    String base = clean(key, max - 3 - hash.length() - 1 - suffix.length());
    return "dg-" + (base.isEmpty() ? "" : base + "-") + hash + suffix;
  }

  private static String clean(String key, int max) {
    return IdempotencyKey.readable(key, max);
  }

  static String hash(String key) {
    return IdempotencyKey.sha256(key).substring(0, 10);
  }
}
