package io.driftgate.core.drift.metrics;

import java.util.Map;
import org.apache.commons.math3.special.Gamma;

/**
 * Pearson's chi-squared test of homogeneity for a 2 x k contingency table (reference counts vs
 * current counts over k categories).
 *
 * <pre>
 *   N = R + C,  R = sum_j r_j,  C = sum_j c_j,  n_j = r_j + c_j
 *   E_rj = R n_j / N,  E_cj = C n_j / N
 *   X2 = sum_j (r_j - E_rj)^2 / E_rj + (c_j - E_cj)^2 / E_cj
 *   df = k' - 1, k' = number of categories with n_j &gt; 0
 *   p  = Q(df / 2, X2 / 2)   (upper regularised incomplete gamma = chi-squared survival function)
 * </pre>
 *
 * Categories absent on both sides are dropped (they would have expected count 0). No continuity
 * correction is applied (as {@code scipy.stats.chi2_contingency(..., correction=False)}). With a
 * single category present (df = 0) the distributions are identical: statistic 0, p-value 1. Source:
 * Pearson (1900); Agresti, "Categorical Data Analysis", 3rd ed., §3.2.
 */
public final class ChiSquared {
  /** Chi-squared as a drift metric: a test on counts, drift when p &lt; 0.05. */
  public static final MetricDefinition DEFINITION =
      MetricDefinition.countTest(0.05, ChiSquared::homogeneity);

  private ChiSquared() {}

  /**
   * Tests whether {@code reference} and {@code current} counts come from the same distribution.
   *
   * @throws IllegalArgumentException on length mismatch, no bins, negative counts or either side
   *     summing to 0
   */
  public static TestResult homogeneity(long[] reference, long[] current) {
    Counts.checkSameLength(reference, current);
    long r = Counts.total(reference, "reference");
    long c = Counts.total(current, "current");
    if (r == 0 || c == 0) {
      throw new IllegalArgumentException(
          "chi-squared needs non-empty reference and current counts");
    }
    double n = (double) r + c;
    double stat = 0;
    int present = 0;
    for (int j = 0; j < reference.length; j++) {
      double nj = (double) reference[j] + current[j];
      if (nj == 0) {
        continue;
      }
      present++;
      double er = r * nj / n;
      double ec = c * nj / n;
      stat += sq(reference[j] - er) / er + sq(current[j] - ec) / ec;
    }
    int df = present - 1;
    if (df == 0) {
      return new TestResult(0.0, 1.0, 0);
    }
    return new TestResult(stat, survival(stat, df), df);
  }

  /** The test over two category -> count maps, aligned over the union of categories. */
  public static TestResult homogeneity(Map<String, Long> reference, Map<String, Long> current) {
    Counts.Aligned al = Counts.align(reference, current);
    return homogeneity(al.a(), al.b());
  }

  /** Chi-squared survival function P(X &gt;= x) with {@code df} degrees of freedom. */
  public static double survival(double x, int df) {
    if (df <= 0) {
      throw new IllegalArgumentException("degrees of freedom must be positive: " + df);
    }
    if (x <= 0) {
      return 1.0;
    }
    return Gamma.regularizedGammaQ(df / 2.0, x / 2.0);
  }

  private static double sq(double v) {
    return v * v;
  }
}
