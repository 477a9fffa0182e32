package io.driftgate.core.drift;

import io.driftgate.core.drift.metrics.DriftMetric;
import java.util.Objects;

/**
 * Per-feature override of the automatic metric choice.
 *
 * @param metric the metric to use
 * @param threshold p-value (tests) or distance threshold; null for {@link
 *     DriftMetric#defaultThreshold()}
 */
public record FeatureOverride(DriftMetric metric, Double threshold) {
  public FeatureOverride {
    Objects.requireNonNull(metric, "metric");
    if (threshold != null && (threshold.isNaN() || threshold < 0)) {
      throw new IllegalArgumentException("threshold must be >= 0: " + threshold);
    }
  }

  public static FeatureOverride of(DriftMetric metric) {
    return new FeatureOverride(metric, null);
  }

  public static FeatureOverride of(DriftMetric metric, double threshold) {
    return new FeatureOverride(metric, threshold);
  }
}
