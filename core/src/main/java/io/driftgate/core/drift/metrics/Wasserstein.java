package io.driftgate.core.drift.metrics;

/**
 * Wasserstein-1 (earth mover's) distance between two one-dimensional distributions.
 *
 * <pre>
 *   W1(A, B) = integral | F_A(x) - F_B(x) | dx = integral_0^1 | F_A^-1(p) - F_B^-1(p) | dp
 * </pre>
 *
 * For empirical distributions both CDFs are step functions, so the integral is the finite sum
 * {@code sum_i |F_A(x_i) - F_B(x_i)| (x_{i+1} - x_i)} over the sorted union of support points (the
 * algorithm of {@code scipy.stats.wasserstein_distance}). Source: Villani, "Optimal Transport: Old
 * and New" (2009), remark 2.19 (one-dimensional closed form); Ramdas, García Trillos &amp; Cuturi,
 * "On Wasserstein Two-Sample Testing" (2017). The result is in the units of the data; drift scores
 * normalise it by the reference standard deviation (Evidently's {@code wasserstein_distance_norm}).
 */
public final class Wasserstein {
  /** Floor for the reference standard deviation when normalising the distance. */
  public static final double MIN_STD = 1e-3;

  /**
   * Wasserstein-1 as a drift metric: on numeric samples, normalised by the reference standard
   * deviation, drift at or above 0.1.
   */
  public static final MetricDefinition DEFINITION =
      MetricDefinition.numericOnly(false, 0.1, Wasserstein::normalised);

  private Wasserstein() {}

  /**
   * W1 between two raw samples.
   *
   * @throws IllegalArgumentException if a sample is empty or contains NaN
   */
  public static double distance(double[] a, double[] b) {
    return distance(EmpiricalDistribution.ofValues(a), EmpiricalDistribution.ofValues(b));
  }

  /** W1 between two (weighted) empirical distributions, e.g. built from quantile sketches. */
  public static double distance(EmpiricalDistribution a, EmpiricalDistribution b) {
    return EmpiricalDistribution.cdfGapIntegral(a, b);
  }

  /**
   * W1 between two histograms over the same finite bin edges, assuming mass is spread uniformly
   * within each bin (so both CDFs are piecewise linear between edges). Within a bin, {@code d(x) =
   * F_A - F_B} is linear from {@code d0} to {@code d1}; its absolute integral over width {@code w}
   * is {@code w (|d0| + |d1|) / 2} when they share a sign, else {@code w (d0^2 + d1^2) / (2 (|d0| +
   * |d1|))}.
   *
   * @param edges strictly increasing finite edges, length = bins + 1
   * @throws IllegalArgumentException on bad edges, length mismatch, negative counts or a zero total
   */
  public static double fromHistograms(double[] edges, long[] a, long[] b) {
    Counts.checkSameLength(a, b);
    if (edges.length != a.length + 1) {
      throw new IllegalArgumentException(
          "need " + (a.length + 1) + " edges for " + a.length + " bins, got " + edges.length);
    }
    for (int i = 0; i < edges.length; i++) {
      if (!Double.isFinite(edges[i]) || (i > 0 && edges[i] <= edges[i - 1])) {
        throw new IllegalArgumentException("edges must be finite and strictly increasing");
      }
    }
    double[] p = Counts.normalise(a, "first");
    double[] q = Counts.normalise(b, "second");
    double fa = 0;
    double fb = 0;
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      double d0 = fa - fb;
      fa += p[i];
      fb += q[i];
      double d1 = fa - fb;
      double w = edges[i + 1] - edges[i];
      if (d0 * d1 >= 0) {
        sum += w * (Math.abs(d0) + Math.abs(d1)) / 2;
      } else {
        sum += w * (d0 * d0 + d1 * d1) / (2 * (Math.abs(d0) + Math.abs(d1)));
      }
    }
    return sum;
  }

  /**
   * W1 from two quantile functions sampled at the same {@code m} equally spaced probability levels
   * (e.g. {@code (i + 0.5) / m}): the midpoint rule {@code (1/m) sum_i |qa_i - qb_i|} for {@code
   * integral_0^1 |F_A^-1(p) - F_B^-1(p)| dp}.
   *
   * @throws IllegalArgumentException if the arrays are empty, differ in length or contain NaN
   */
  public static double fromQuantiles(double[] qa, double[] qb) {
    if (qa.length == 0 || qa.length != qb.length) {
      throw new IllegalArgumentException("quantile vectors must be non-empty and of equal length");
    }
    double sum = 0;
    for (int i = 0; i < qa.length; i++) {
      if (Double.isNaN(qa[i]) || Double.isNaN(qb[i])) {
        throw new IllegalArgumentException("quantiles contain NaN");
      }
      sum += Math.abs(qa[i] - qb[i]);
    }
    return sum / qa.length;
  }

  /** The distance of two numeric samples over the reference standard deviation (no p-value). */
  static TestResult normalised(NumericSample reference, NumericSample current) {
    // Exact on both sides: the distributions are the raw values' (what distance(a, b) makes).
    double w = distance(reference.distribution(), current.distribution());
    return new TestResult(
        w / Math.max(reference.standardDeviation(), MIN_STD), Double.NaN, Double.NaN);
  }
}
