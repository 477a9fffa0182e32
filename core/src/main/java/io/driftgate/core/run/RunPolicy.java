package io.driftgate.core.run;

import io.driftgate.core.spec.LauncherConfig;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Retry and timeout rules of the run state machine.
 *
 * @param maxAttempts attempts per step, including the first (≥ 1)
 * @param initialBackoff wait before the second attempt
 * @param maxBackoff longest wait between attempts
 * @param backoffMultiplier growth of the wait per attempt (≥ 1)
 * @param timeouts longest time a run may stay in a state (REQUESTED, TUNING, TRAINING_BEST,
 *     GATING); states without an entry never time out
 */
public record RunPolicy(
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    double backoffMultiplier,
    Map<RunState, Duration> timeouts) {

  public static final int DEFAULT_MAX_ATTEMPTS = LauncherConfig.DEFAULT_MAX_ATTEMPTS;
  public static final Duration DEFAULT_INITIAL_BACKOFF = LauncherConfig.DEFAULT_INITIAL_BACKOFF;
  public static final Duration DEFAULT_MAX_BACKOFF = LauncherConfig.DEFAULT_MAX_BACKOFF;

  public RunPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
    }
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "need 0 <= initialBackoff <= maxBackoff, got " + initialBackoff + ", " + maxBackoff);
    }
    if (!(backoffMultiplier >= 1.0) || Double.isInfinite(backoffMultiplier)) {
      throw new IllegalArgumentException(
          "backoffMultiplier must be >= 1, got " + backoffMultiplier);
    }
    EnumMap<RunState, Duration> t = new EnumMap<>(RunState.class);
    if (timeouts != null) {
      timeouts.forEach(
          (s, d) -> {
            if (s.terminal()) {
              throw new IllegalArgumentException("terminal state " + s + " cannot time out");
            }
            if (d != null) {
              if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeout of " + s + " must be > 0, got " + d);
              }
              t.put(s, d);
            }
          });
    }
    timeouts = java.util.Collections.unmodifiableMap(t);
  }

  /** The retry and timeout rules of a launcher's {@code launcher:} section. */
  public static RunPolicy of(LauncherConfig config) {
    return new RunPolicy(
        config.maxAttempts(),
        config.initialBackoff(),
        config.maxBackoff(),
        2.0,
        Map.of(
            RunState.TUNING, config.tuningTimeout(),
            RunState.TRAINING_BEST, config.trainingTimeout(),
            RunState.GATING, config.gatingTimeout()));
  }

  /** 3 attempts, 30 s doubling to at most 10 min, timeouts: tuning 12h, training 4h, gate 1h. */
  public static RunPolicy defaults() {
    return new RunPolicy(
        DEFAULT_MAX_ATTEMPTS,
        DEFAULT_INITIAL_BACKOFF,
        DEFAULT_MAX_BACKOFF,
        2.0,
        Map.of(
            RunState.TUNING, Duration.ofHours(12),
            RunState.TRAINING_BEST, Duration.ofHours(4),
            RunState.GATING, Duration.ofHours(1)));
  }

  /**
   * Wait before attempt {@code failedAttempt + 1}: {@code initial * multiplier^(failedAttempt-1)},
   * at most {@code maxBackoff}.
   */
  public Duration backoff(int failedAttempt) {
    double millis =
        initialBackoff.toMillis() * Math.pow(backoffMultiplier, Math.max(0, failedAttempt - 1));
    if (!(millis < maxBackoff.toMillis())) {
      return maxBackoff;
    }
    return Duration.ofMillis(Math.round(millis));
  }

  /** The timeout of a state, or null. */
  public Duration timeout(RunState state) {
    return timeouts.get(state);
  }
}
