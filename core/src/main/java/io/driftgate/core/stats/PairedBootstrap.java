package io.driftgate.core.stats;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Paired bootstrap test on per-example losses of two models scored on the same examples. */
public final class PairedBootstrap {

  private PairedBootstrap() {}

  /**
   * Resamples the per-example differences d_i = champion_i − challenger_i with replacement.
   *
   * @param lossChampion champion loss per example
   * @param lossChallenger challenger loss per example, same examples in the same order
   * @param resamples number of resamples, >= 1
   * @param seed resampling seed: the same inputs and seed give the same result
   * @param alpha level of the two-sided percentile interval (1 − alpha), in (0, 1)
   */
  public static BootstrapResult test(
      double[] lossChampion, double[] lossChallenger, int resamples, long seed, double alpha) {
    if (lossChampion.length != lossChallenger.length) {
      throw new IllegalArgumentException(
          "paired losses differ in length: "
              + lossChampion.length
              + " vs "
              + lossChallenger.length);
    }
    int n = lossChampion.length;
    if (n == 0) {
      throw new IllegalArgumentException("no examples");
    }
    if (resamples < 1) {
      throw new IllegalArgumentException("resamples must be >= 1: " + resamples);
    }
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("alpha must be in (0, 1): " + alpha);
    }
    double[] d = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      d[i] = lossChampion[i] - lossChallenger[i];
      if (!Double.isFinite(d[i])) {
        throw new IllegalArgumentException("non-finite loss at example " + i);
      }
      sum += d[i];
    }
    double mean = sum / n;
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] means = new double[resamples];
    int notBetter = 0;
    for (int r = 0; r < resamples; r++) {
      double s = 0;
      for (int i = 0; i < n; i++) {
        s += d[rnd.nextInt(n)];
      }
      means[r] = s / n;
      if (means[r] <= 0) {
        notBetter++;
      }
    }
    Arrays.sort(means);
    return new BootstrapResult(
        mean,
        quantile(means, alpha / 2),
        quantile(means, 1 - alpha / 2),
        (1.0 + notBetter) / (resamples + 1.0),
        n,
        resamples,
        seed);
  }

  /** Linear-interpolation quantile of sorted values (type 7). */
  static double quantile(double[] sorted, double q) {
    double h = (sorted.length - 1) * q;
    int lo = (int) Math.floor(h);
    int hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }
}
