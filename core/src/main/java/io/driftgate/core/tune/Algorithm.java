package io.driftgate.core.tune;

import java.util.Locale;

/** How trial parameters are chosen. Early stopping (ASHA) is configured separately. */
public enum Algorithm {
  /** Every grid point in order (first parameter outermost), up to {@code maxTrials}. */
  GRID,
  /** {@code maxTrials} points drawn from (seed, index). */
  RANDOM;

  public static Algorithm parse(String s) {
    return valueOf(s.trim().toUpperCase(Locale.ROOT));
  }
}
