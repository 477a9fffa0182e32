package io.driftgate.core.stats;

import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.special.Gamma;

/** McNemar's test for two classifiers scored on the same examples. */
public final class McNemar {

  /** Below this many discordant pairs the exact binomial test is used. */
  public static final int EXACT_BELOW = 25;

  private McNemar() {}

  /** Compares per-example correctness of the champion and the challenger. */
  public static McNemarResult test(boolean[] championCorrect, boolean[] challengerCorrect) {
    if (championCorrect.length != challengerCorrect.length) {
      throw new IllegalArgumentException(
          "paired arrays differ in length: "
              + championCorrect.length
              + " vs "
              + challengerCorrect.length);
    }
    int b = 0;
    int c = 0;
    for (int i = 0; i < championCorrect.length; i++) {
      if (championCorrect[i] && !challengerCorrect[i]) {
        b++;
      } else if (!championCorrect[i] && challengerCorrect[i]) {
        c++;
      }
    }
    return fromCounts(b, c);
  }

  /** The test from the discordant counts. */
  public static McNemarResult fromCounts(int b, int c) {
    if (b < 0 || c < 0) {
      throw new IllegalArgumentException("counts must be >= 0");
    }
    int n = b + c;
    if (n == 0) {
      return new McNemarResult(b, c, 0, 1, true);
    }
    double diff = Math.max(0, Math.abs(b - c) - 1.0);
    double stat = diff * diff / n;
    if (n < EXACT_BELOW) {
      double p =
          Math.min(
              1.0,
              2 * new BinomialDistribution(null, n, 0.5).cumulativeProbability(Math.min(b, c)));
      return new McNemarResult(b, c, stat, p, true);
    }
    double p = Gamma.regularizedGammaQ(0.5, stat / 2); // chi-squared survival, 1 df
    return new McNemarResult(b, c, stat, p, false);
  }

  /** P(X ≥ k), X ~ Binomial(n, 1/2); 1 for n = 0. */
  static double upperTail(int n, int k) {
    if (n == 0 || k <= 0) {
      return 1.0;
    }
    return 1 - new BinomialDistribution(null, n, 0.5).cumulativeProbability(k - 1);
  }
}
