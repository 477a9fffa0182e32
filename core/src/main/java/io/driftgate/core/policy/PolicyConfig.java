package io.driftgate.core.policy;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Retrain policy settings.
 *
 * @param driftedShareThreshold a window counts as drifted when its drifted-feature share is {@code
 *     >=} this, in (0, 1]
 * @param criticalFeatures features whose drift alone counts (hysteresis still applies)
 * @param consecutiveWindows k: drifted windows needed in a row (hysteresis), >= 1
 * @param minNewRecords VOLUME trigger: valid records since the last request; 0 disables it
 * @param maxAge MAX_AGE trigger: model age (since the last run start or request, else since the
 *     first window); null disables it
 * @param cooldown no request within this long after the latest run start or finish (event time);
 *     zero disables it
 * @param maxInFlight at most this many requests per model in flight (emitted, not finished), >= 1
 * @param minRecordsAfterChange PERFORMANCE_DRIFT waits until windows that start at or after the
 *     change point hold this many valid records, so that the run's range (which then starts at the
 *     change point) has the new regime to learn from; 0: the first window after the alarm
 */
public record PolicyConfig(
    double driftedShareThreshold,
    Set<String> criticalFeatures,
    int consecutiveWindows,
    long minNewRecords,
    Duration maxAge,
    Duration cooldown,
    int maxInFlight,
    long minRecordsAfterChange) {

  /** Without a wait for records after a performance change point (0). */
  public PolicyConfig(
      double driftedShareThreshold,
      Set<String> criticalFeatures,
      int consecutiveWindows,
      long minNewRecords,
      Duration maxAge,
      Duration cooldown,
      int maxInFlight) {
    this(
        driftedShareThreshold,
        criticalFeatures,
        consecutiveWindows,
        minNewRecords,
        maxAge,
        cooldown,
        maxInFlight,
        0);
  }

  public PolicyConfig {
    if (!(driftedShareThreshold > 0 && driftedShareThreshold <= 1)) {
      throw new IllegalArgumentException(
          "driftedShareThreshold must be in (0, 1]: " + driftedShareThreshold);
    }
    criticalFeatures = Set.copyOf(Objects.requireNonNull(criticalFeatures, "criticalFeatures"));
    if (consecutiveWindows < 1) {
      throw new IllegalArgumentException("consecutiveWindows must be >= 1");
    }
    if (minNewRecords < 0) {
      throw new IllegalArgumentException("minNewRecords must be >= 0");
    }
    if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
      throw new IllegalArgumentException("maxAge must be positive");
    }
    Objects.requireNonNull(cooldown, "cooldown");
    if (cooldown.isNegative()) {
      throw new IllegalArgumentException("cooldown must be >= 0");
    }
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be >= 1");
    }
    if (minRecordsAfterChange < 0) {
      throw new IllegalArgumentException("minRecordsAfterChange must be >= 0");
    }
  }

  /** Share 0.5, no critical features, k = 3, no volume or age trigger, 1h cooldown, 1 in flight. */
  public static PolicyConfig defaults() {
    return new PolicyConfig(0.5, Set.of(), 3, 0, null, Duration.ofHours(1), 1);
  }

  public PolicyConfig withDriftedShareThreshold(double v) {
    return new PolicyConfig(
        v,
        criticalFeatures,
        consecutiveWindows,
        minNewRecords,
        maxAge,
        cooldown,
        maxInFlight,
        minRecordsAfterChange);
  }

  public PolicyConfig withCriticalFeatures(Set<String> v) {
    return new PolicyConfig(
        driftedShareThreshold,
        v,
        consecutiveWindows,
        minNewRecords,
        maxAge,
        cooldown,
        maxInFlight,
        minRecordsAfterChange);
  }

  public PolicyConfig withConsecutiveWindows(int v) {
    return new PolicyConfig(
        driftedShareThreshold,
        criticalFeatures,
        v,
        minNewRecords,
        maxAge,
        cooldown,
        maxInFlight,
        minRecordsAfterChange);
  }

  public PolicyConfig withMinNewRecords(long v) {
    return new PolicyConfig(
        driftedShareThreshold,
        criticalFeatures,
        consecutiveWindows,
        v,
        maxAge,
        cooldown,
        maxInFlight,
        minRecordsAfterChange);
  }

  public PolicyConfig withMaxAge(Duration v) {
    return new PolicyConfig(
        driftedShareThreshold,
        criticalFeatures,
        consecutiveWindows,
        minNewRecords,
        v,
        cooldown,
        maxInFlight,
        minRecordsAfterChange);
  }

  public PolicyConfig withCooldown(Duration v) {
    return new PolicyConfig(
        driftedShareThreshold,
        criticalFeatures,
        consecutiveWindows,
        minNewRecords,
        maxAge,
        v,
        maxInFlight,
        minRecordsAfterChange);
  }

  public PolicyConfig withMaxInFlight(int v) {
    return new PolicyConfig(
        driftedShareThreshold,
        criticalFeatures,
        consecutiveWindows,
        minNewRecords,
        maxAge,
        cooldown,
        v,
        minRecordsAfterChange);
  }

  public PolicyConfig withMinRecordsAfterChange(long v) {
    return new PolicyConfig(
        driftedShareThreshold,
        criticalFeatures,
        consecutiveWindows,
        minNewRecords,
        maxAge,
        cooldown,
        maxInFlight,
        v);
  }
}
