package io.driftgate.core.stats;

import java.util.Arrays;
import java.util.Objects;
import java.util.Random;

/**
 * Two-sample test on vectors (embeddings of images or texts): the maximum mean discrepancy with a
 * Gaussian kernel and a permutation p-value.
 *
 * <pre>
 *   k(x, y) = exp(-|x - y|² / (2 σ²)),  σ² = median of |x - y|² over the pooled sample / 2
 *   MMD²_u = mean_{i≠j} k(xi, xj) + mean_{i≠j} k(yi, yj) - 2 mean_{i,j} k(xi, yj)
 *   p = (1 + #{permutations with MMD² ≥ observed}) / (1 + permutations)
 * </pre>
 *
 * The unbiased statistic and the median heuristic are Gretton et al., "A Kernel Two-Sample Test",
 * JMLR 13, 2012 (eq. 3; section 8); the permutation p-value counts the observed split among the
 * permutations, so it is never 0 and the test holds its level at any sample size. The kernel matrix
 * is computed once; a permutation only regroups it. Seeded: the same samples and seed give the same
 * p-value.
 */
public final class MaximumMeanDiscrepancy {
  private MaximumMeanDiscrepancy() {}

  /** The statistic, its p-value, and the kernel width used. */
  public record Result(double mmd2, double pValue, double bandwidth, int permutations) {}

  /**
   * Tests whether {@code a} and {@code b} (rows of equal length) come from one distribution.
   *
   * @param permutations random regroupings of the pooled sample (≥ 1; 200–1000 usual)
   * @param seed seeds the permutations
   */
  public static Result test(double[][] a, double[][] b, int permutations, long seed) {
    Objects.requireNonNull(a, "a");
    Objects.requireNonNull(b, "b");
    if (a.length < 2 || b.length < 2) {
      throw new IllegalArgumentException(
          "each sample needs at least 2 vectors: " + a.length + " and " + b.length);
    }
    if (permutations < 1) {
      throw new IllegalArgumentException("permutations must be >= 1: " + permutations);
    }
    int n = a.length + b.length;
    double[][] all = new double[n][];
    int dim = a[0].length;
    for (int i = 0; i < n; i++) {
      all[i] = i < a.length ? a[i] : b[i - a.length];
      if (all[i].length != dim) {
        throw new IllegalArgumentException(
            "vector " + i + " has " + all[i].length + " values, the first has " + dim);
      }
    }
    double[][] d2 = new double[n][n];
    double[] pairs = new double[n * (n - 1) / 2];
    int p = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        double s = 0;
        for (int k = 0; k < dim; k++) {
          double d = all[i][k] - all[j][k];
          s += d * d;
        }
        d2[i][j] = s;
        d2[j][i] = s;
        pairs[p++] = s;
      }
    }
    Arrays.sort(pairs);
    double median = pairs[pairs.length / 2];
    // All points equal: any positive width gives k = 1 everywhere, MMD² = 0.
    double sigma2 = median > 0 ? median / 2 : 1;
    double[][] kernel = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        kernel[i][j] = i == j ? 1 : Math.exp(-d2[i][j] / (2 * sigma2));
      }
    }
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    double observed = mmd2(kernel, order, a.length);
    Random random = new Random(seed);
    int atLeast = 0;
    for (int r = 0; r < permutations; r++) {
      for (int i = n - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      if (mmd2(kernel, order, a.length) >= observed) {
        atLeast++;
      }
    }
    return new Result(
        observed, (1.0 + atLeast) / (1.0 + permutations), Math.sqrt(sigma2), permutations);
  }

  /** Unbiased MMD² of the split: the first {@code m} of {@code order} against the rest. */
  private static double mmd2(double[][] k, int[] order, int m) {
    int n = order.length;
    int q = n - m;
    double xx = 0;
    double yy = 0;
    double xy = 0;
    for (int i = 0; i < n; i++) {
      double[] row = k[order[i]];
      boolean iInX = i < m;
      for (int j = i + 1; j < n; j++) {
        double v = row[order[j]];
        boolean jInX = j < m;
        if (iInX && jInX) {
          xx += v;
        } else if (!iInX && !jInX) {
          yy += v;
        } else {
          xy += v;
        }
      }
    }
    // Sums above hold each unordered pair once.
    return 2 * xx / ((double) m * (m - 1))
        + 2 * yy / ((double) q * (q - 1))
        - 2 * xy / ((double) m * q);
  }
}
