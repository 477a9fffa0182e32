package io.driftgate.core.drift.profile;

import java.util.Arrays;

/** Bin edges for histogram-based metrics (PSI, and JS / L-inf / chi-squared on numerics). */
public final class BinEdges {
  /** Default number of reference bins (deciles). */
  public static final int DEFAULT_BINS = 10;

  private BinEdges() {}

  /**
   * Edges from the reference profile's quantiles at ranks {@code 1/bins, ..., (bins-1)/bins},
   * deduplicated, with {@code -inf} and {@code +inf} outer edges, so every finite value falls in
   * exactly one bin. A constant reference {@code c} gives {@code [-inf, c, +inf]}.
   *
   * @throws IllegalArgumentException if {@code bins < 1} or the reference has no finite values
   */
  public static double[] fromQuantiles(NumericProfile reference, int bins) {
    if (bins < 1) {
      throw new IllegalArgumentException("bins must be >= 1");
    }
    if (reference.isEmpty()) {
      throw new IllegalArgumentException("reference profile has no finite values");
    }
    double[] edges = new double[bins + 1];
    int m = 0;
    edges[m++] = Double.NEGATIVE_INFINITY;
    for (int i = 1; i < bins; i++) {
      double q = reference.quantile(i / (double) bins);
      if (q > edges[m - 1]) {
        edges[m++] = q;
      }
    }
    edges[m++] = Double.POSITIVE_INFINITY;
    return Arrays.copyOf(edges, m);
  }

  /** Deciles with open tails: {@code fromQuantiles(reference, 10)}. */
  public static double[] deciles(NumericProfile reference) {
    return fromQuantiles(reference, DEFAULT_BINS);
  }

  static void validate(double[] edges) {
    if (edges.length < 2) {
      throw new IllegalArgumentException("need at least 2 bin edges");
    }
    for (int i = 0; i < edges.length; i++) {
      if (Double.isNaN(edges[i]) || (i > 0 && edges[i] <= edges[i - 1])) {
        throw new IllegalArgumentException(
            "bin edges must be strictly increasing and not NaN: " + Arrays.toString(edges));
      }
    }
  }
}
