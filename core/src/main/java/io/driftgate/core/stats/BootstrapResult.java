package io.driftgate.core.stats;

/**
 * Paired bootstrap of a mean loss difference.
 *
 * @param meanDiff mean of champion loss − challenger loss: positive means the challenger is better
 * @param ciLow lower bound of the two-sided percentile interval at level 1 − alpha
 * @param ciHigh upper bound of that interval
 * @param pValue one-sided p for "challenger better": (1 + #{resampled mean ≤ 0}) / (resamples + 1)
 * @param n number of paired examples
 * @param resamples number of bootstrap resamples
 * @param seed resampling seed
 */
public record BootstrapResult(
    double meanDiff, double ciLow, double ciHigh, double pValue, int n, int resamples, long seed) {

  /** Whether the challenger is significantly better at this level. */
  public boolean significant(double alpha) {
    return pValue <= alpha;
  }

  /** Whether the interval contains the value. */
  public boolean ciContains(double v) {
    return ciLow <= v && v <= ciHigh;
  }
}
