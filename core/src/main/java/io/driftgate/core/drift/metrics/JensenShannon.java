package io.driftgate.core.drift.metrics;

import java.util.Map;

/**
 * Jensen–Shannon distance, the square root of the Jensen–Shannon divergence with base-2 logarithms,
 * so it lies in [0, 1] (0 for identical distributions, 1 for disjoint supports).
 *
 * <pre>
 *   M = (P + Q) / 2
 *   JSD(P || Q) = KL(P || M) / 2 + KL(Q || M) / 2,   KL(P || M) = sum_i p_i log2(p_i / m_i)
 *   distance = sqrt(JSD)
 * </pre>
 *
 * Terms with {@code p_i = 0} contribute 0 (the limit of x log x), so no epsilon is needed. Source:
 * Lin, "Divergence measures based on the Shannon entropy", IEEE Trans. Inf. Theory 37(1), 1991;
 * Endres &amp; Schindelin, "A new metric for probability distributions", 2003 (sqrt is a metric);
 * matches {@code scipy.spatial.distance.jensenshannon(p, q, base=2)}.
 */
public final class JensenShannon {
  /** Jensen–Shannon as a drift metric: a distance on counts, drift at or above 0.1. */
  public static final MetricDefinition DEFINITION =
      MetricDefinition.countDistance(0.1, JensenShannon::distance);

  private JensenShannon() {}

  /**
   * Distance between two count vectors over the same bins.
   *
   * @throws IllegalArgumentException on length mismatch, no bins, negative counts or a zero total
   */
  public static double distance(long[] a, long[] b) {
    Counts.checkSameLength(a, b);
    double[] p = Counts.normalise(a, "first");
    double[] q = Counts.normalise(b, "second");
    double js = 0;
    for (int i = 0; i < p.length; i++) {
      double m = (p[i] + q[i]) / 2;
      js += 0.5 * term(p[i], m) + 0.5 * term(q[i], m);
    }
    // Rounding can leave a tiny negative value or one just above 1.
    return Math.sqrt(Math.min(1.0, Math.max(0.0, js)));
  }

  /** Distance between two category -> count maps over the union of their categories. */
  public static double distance(Map<String, Long> a, Map<String, Long> b) {
    Counts.Aligned al = Counts.align(a, b);
    return distance(al.a(), al.b());
  }

  private static double term(double p, double m) {
    return p == 0 ? 0 : p * (Math.log(p / m) / Math.log(2));
  }
}
