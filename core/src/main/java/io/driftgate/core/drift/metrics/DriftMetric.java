package io.driftgate.core.drift.metrics;

/**
 * The drift metrics driftgate can compute for one feature.
 *
 * <p>Statistical tests ({@link #isStatisticalTest()}) produce a p-value; a feature drifts when the
 * p-value is <em>below</em> the threshold. Distances produce a score; a feature drifts when the
 * score is <em>at or above</em> the threshold (the convention of Evidently's data-drift preset).
 */
public enum DriftMetric {
  /** Population stability index over binned counts ({@link Psi}). */
  PSI(false, 0.1),
  /** Jensen–Shannon distance, base 2, in [0, 1] ({@link JensenShannon}). */
  JENSEN_SHANNON(false, 0.1),
  /**
   * L-infinity distance of normalised counts (TFDV's categorical comparator, {@link LInfinity}).
   */
  LINF(false, 0.1),
  /** Two-sample Kolmogorov–Smirnov test ({@link KolmogorovSmirnov}); threshold is a p-value. */
  KS(true, 0.05),
  /**
   * Wasserstein-1 distance ({@link Wasserstein}); as a drift score it is normalised by the
   * reference standard deviation.
   */
  WASSERSTEIN(false, 0.1),
  /** Chi-squared test of homogeneity ({@link ChiSquared}); threshold is a p-value. */
  CHI_SQUARED(true, 0.05);

  private final boolean statisticalTest;
  private final double defaultThreshold;

  DriftMetric(boolean statisticalTest, double defaultThreshold) {
    this.statisticalTest = statisticalTest;
    this.defaultThreshold = defaultThreshold;
  }

  /** True for p-value based tests (KS, chi-squared), false for distances. */
  public boolean isStatisticalTest() {
    return statisticalTest;
  }

  /** The threshold used when none is configured (0.05 for tests, 0.1 for distances). */
  public double defaultThreshold() {
    return defaultThreshold;
  }

  /**
   * Whether {@code scoreOrPValue} means drift under {@code threshold}: {@code p < threshold} for
   * tests, {@code score >= threshold} for distances. NaN never drifts.
   */
  public boolean isDrift(double scoreOrPValue, double threshold) {
    if (Double.isNaN(scoreOrPValue)) {
      return false;
    }
    return statisticalTest ? scoreOrPValue < threshold : scoreOrPValue >= threshold;
  }
}
