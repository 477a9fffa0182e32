package io.driftgate.core.drift.metrics;

/**
 * Population stability index.
 *
 * <pre>
 *   PSI = sum_i (c_i - r_i) * ln(c_i / r_i)
 * </pre>
 *
 * where {@code r_i} and {@code c_i} are the reference and current proportions in bin {@code i}. An
 * empty bin would make the logarithm infinite, so a proportion of 0 is replaced by {@link #EPSILON}
 * = 1e-4 (the replacement Evidently uses in {@code psi_stat_test}); proportions are not
 * renormalised afterwards. Source: Yurdakul, "Statistical Properties of Population Stability Index"
 * (2018); Siddiqi, "Credit Risk Scorecards" (2006). Common reading: &lt; 0.1 stable, 0.1–0.25
 * moderate shift, &gt; 0.25 major shift.
 */
public final class Psi {
  /** PSI as a drift metric: a distance on counts, drift at or above 0.1. */
  public static final MetricDefinition DEFINITION = MetricDefinition.countDistance(0.1, Psi::psi);

  /** Proportion substituted for an empty bin. */
  public static final double EPSILON = 1e-4;

  private Psi() {}

  /**
   * PSI of {@code current} against {@code reference}, bin by bin.
   *
   * @throws IllegalArgumentException if the vectors differ in length, are empty, contain a negative
   *     count, or either sums to 0
   */
  public static double psi(long[] reference, long[] current) {
    Counts.checkSameLength(reference, current);
    double[] r = Counts.normalise(reference, "reference");
    double[] c = Counts.normalise(current, "current");
    double sum = 0;
    for (int i = 0; i < r.length; i++) {
      double ri = r[i] == 0 ? EPSILON : r[i];
      double ci = c[i] == 0 ? EPSILON : c[i];
      sum += (ci - ri) * Math.log(ci / ri);
    }
    return sum;
  }
}
