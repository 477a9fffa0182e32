package io.driftgate.core.drift.metrics;

import java.util.Arrays;

/**
 * A (possibly weighted) empirical distribution: distinct sorted support points with their
 * cumulative distribution function {@code F(x) = P(X <= x)}, plus the sample size it stands for.
 *
 * <p>Built either from raw values ({@link #ofValues}) or from a quantile sketch's sorted view
 * ({@link #ofWeighted}): a KLL sketch retains items with integer weights, which is exactly a
 * weighted empirical distribution. Instances are immutable.
 */
public final class EmpiricalDistribution {
  private final double[] points;
  private final double[] cdf;
  private final long sampleSize;

  private EmpiricalDistribution(double[] points, double[] cdf, long sampleSize) {
    this.points = points;
    this.cdf = cdf;
    this.sampleSize = sampleSize;
  }

  /**
   * Empirical distribution of raw values.
   *
   * @throws IllegalArgumentException if {@code values} is empty or contains NaN
   */
  public static EmpiricalDistribution ofValues(double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("empirical distribution of no values");
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    if (Double.isNaN(sorted[sorted.length - 1])) {
      throw new IllegalArgumentException("values contain NaN");
    }
    double[] cum = new double[sorted.length];
    for (int i = 0; i < sorted.length; i++) {
      cum[i] = i + 1;
    }
    return ofWeighted(sorted, cum, sorted.length);
  }

  /**
   * Empirical distribution from sorted items and their cumulative weights (as a quantile sketch's
   * sorted view exposes them). Repeated items are collapsed.
   *
   * @param sortedItems non-decreasing items, no NaN
   * @param cumulativeWeights non-decreasing, positive total, same length
   * @param sampleSize the number of observations the distribution summarises (used for tests)
   * @throws IllegalArgumentException on empty or inconsistent input
   */
  public static EmpiricalDistribution ofWeighted(
      double[] sortedItems, double[] cumulativeWeights, long sampleSize) {
    int n = sortedItems.length;
    if (n == 0) {
      throw new IllegalArgumentException("empirical distribution of no values");
    }
    if (cumulativeWeights.length != n) {
      throw new IllegalArgumentException("items and cumulative weights differ in length");
    }
    if (sampleSize <= 0) {
      throw new IllegalArgumentException("sample size must be positive: " + sampleSize);
    }
    double total = cumulativeWeights[n - 1];
    if (!(total > 0)) {
      throw new IllegalArgumentException("total weight must be positive");
    }
    double[] pts = new double[n];
    double[] cum = new double[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      double x = sortedItems[i];
      double w = cumulativeWeights[i];
      if (Double.isNaN(x)) {
        throw new IllegalArgumentException("items contain NaN");
      }
      if (i > 0 && (x < sortedItems[i - 1] || w < cumulativeWeights[i - 1])) {
        throw new IllegalArgumentException("items and weights must be non-decreasing");
      }
      if (m > 0 && pts[m - 1] == x) {
        cum[m - 1] = w / total;
      } else {
        pts[m] = x;
        cum[m] = w / total;
        m++;
      }
    }
    cum[m - 1] = 1.0;
    return new EmpiricalDistribution(Arrays.copyOf(pts, m), Arrays.copyOf(cum, m), sampleSize);
  }

  /** {@code P(X <= x)}. */
  public double cdf(double x) {
    int idx = Arrays.binarySearch(points, x);
    if (idx >= 0) {
      return cdf[idx];
    }
    int insertion = -idx - 1; // number of points < x
    return insertion == 0 ? 0.0 : cdf[insertion - 1];
  }

  /** Distinct support points, ascending (a copy). */
  public double[] points() {
    return points.clone();
  }

  /** Number of observations summarised. */
  public long sampleSize() {
    return sampleSize;
  }

  /** Mean of the distribution. */
  public double mean() {
    double sum = 0;
    double prev = 0;
    for (int i = 0; i < points.length; i++) {
      sum += points[i] * (cdf[i] - prev);
      prev = cdf[i];
    }
    return sum;
  }

  /** Population standard deviation of the distribution. */
  public double standardDeviation() {
    double mean = mean();
    double sum = 0;
    double prev = 0;
    for (int i = 0; i < points.length; i++) {
      double d = points[i] - mean;
      sum += d * d * (cdf[i] - prev);
      prev = cdf[i];
    }
    return Math.sqrt(sum);
  }

  /**
   * {@code sum_i |F_a(x_i) - F_b(x_i)| (x_{i+1} - x_i)} over the sorted union {@code x} of both
   * support points: the same sum, term by term and in the same order, as over {@link #unionCdfs},
   * without building the union (a drift monitor compares every window with a reference of up to
   * 131,072 points per feature).
   */
  static double cdfGapIntegral(EmpiricalDistribution a, EmpiricalDistribution b) {
    final class Sum implements UnionPoint {
      double sum;
      double prevX;
      double prevGap;
      boolean first = true;

      @Override
      public void at(double x, double ca, double cb) {
        if (!first) {
          sum += prevGap * (x - prevX);
        }
        first = false;
        prevX = x;
        prevGap = Math.abs(ca - cb);
      }
    }
    Sum s = new Sum();
    walkUnion(a, b, s);
    return s.sum;
  }

  /**
   * The sorted union of both distributions' support points, with each CDF evaluated there: {@code
   * [0]} points, {@code [1]} F_a, {@code [2]} F_b.
   */
  static double[][] unionCdfs(EmpiricalDistribution a, EmpiricalDistribution b) {
    final class Collect implements UnionPoint {
      final double[] pts = new double[a.points.length + b.points.length];
      final double[] fa = new double[pts.length];
      final double[] fb = new double[pts.length];
      int m;

      @Override
      public void at(double x, double ca, double cb) {
        pts[m] = x;
        fa[m] = ca;
        fb[m] = cb;
        m++;
      }
    }
    Collect c = new Collect();
    walkUnion(a, b, c);
    int m = c.m;
    return new double[][] {Arrays.copyOf(c.pts, m), Arrays.copyOf(c.fa, m), Arrays.copyOf(c.fb, m)};
  }

  /** One point of the sorted union of two supports, with both CDFs there. */
  private interface UnionPoint {
    void at(double x, double ca, double cb);
  }

  /** Visits the sorted union of both supports in ascending order. */
  private static void walkUnion(EmpiricalDistribution a, EmpiricalDistribution b, UnionPoint to) {
    int i = 0;
    int j = 0;
    double ca = 0;
    double cb = 0;
    while (i < a.points.length || j < b.points.length) {
      double x;
      if (j >= b.points.length || (i < a.points.length && a.points[i] < b.points[j])) {
        x = a.points[i];
      } else {
        x = b.points[j];
      }
      while (i < a.points.length && a.points[i] == x) {
        ca = a.cdf[i++];
      }
      while (j < b.points.length && b.points[j] == x) {
        cb = b.cdf[j++];
      }
      to.at(x, ca, cb);
    }
  }
}
