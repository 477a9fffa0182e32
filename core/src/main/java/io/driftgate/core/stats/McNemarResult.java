package io.driftgate.core.stats;

/**
 * McNemar test on paired correctness.
 *
 * @param b examples the champion got right and the challenger wrong
 * @param c examples the champion got wrong and the challenger right
 * @param statistic continuity-corrected chi-squared (|b − c| − 1)² / (b + c), 0 when b + c = 0
 * @param pValue two-sided p: exact binomial when b + c < 25, else chi-squared (1 df) of the
 *     statistic
 * @param exact whether the p-value is the exact binomial one
 */
public record McNemarResult(int b, int c, double statistic, double pValue, boolean exact) {

  /** Whether the challenger fixed more examples than it broke. */
  public boolean challengerBetter() {
    return c > b;
  }

  /**
   * One-sided exact p for "challenger better": P(X ≥ c) with X ~ Binomial(b + c, 1/2); 1 when b + c
   * = 0.
   */
  public double oneSidedPChallengerBetter() {
    return McNemar.upperTail(b + c, c);
  }

  /** One-sided exact p for "champion better": P(X ≥ b) with X ~ Binomial(b + c, 1/2). */
  public double oneSidedPChampionBetter() {
    return McNemar.upperTail(b + c, b);
  }
}
