package io.driftgate.core.drift.metrics;

import java.util.Map;

/**
 * L-infinity (Chebyshev) distance between normalised counts.
 *
 * <pre>
 *   d = max_i | a_i / sum(a) - b_i / sum(b) |
 * </pre>
 *
 * over the union of categories (a category missing on one side has proportion 0 there). It lies in
 * [0, 1]. Source: TensorFlow Data Validation, {@code categorical drift/skew comparator}
 * ("L-infinity distance"), <a
 * href="https://www.tensorflow.org/tfx/data_validation/get_started#checking_data_skew_and_drift">TFDV
 * guide</a>.
 */
public final class LInfinity {
  /** L-infinity as a drift metric: a distance on counts, drift at or above 0.1. */
  public static final MetricDefinition DEFINITION =
      MetricDefinition.countDistance(0.1, LInfinity::distance);

  private LInfinity() {}

  /**
   * Distance between two count vectors over the same bins.
   *
   * @throws IllegalArgumentException on length mismatch, no bins, negative counts or a zero total
   */
  public static double distance(long[] a, long[] b) {
    Counts.checkSameLength(a, b);
    double[] p = Counts.normalise(a, "first");
    double[] q = Counts.normalise(b, "second");
    double max = 0;
    for (int i = 0; i < p.length; i++) {
      max = Math.max(max, Math.abs(p[i] - q[i]));
    }
    return max;
  }

  /** Distance between two category -> count maps over the union of their categories. */
  public static double distance(Map<String, Long> a, Map<String, Long> b) {
    Counts.Aligned al = Counts.align(a, b);
    return distance(al.a(), al.b());
  }
}
