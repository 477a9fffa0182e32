package io.driftgate.core.drift.metrics;

/**
 * One side of a numeric comparison, as a metric on samples sees it.
 *
 * @param exactValues the raw values when both sides still hold theirs, else null (then {@code
 *     distribution} is a sketch's)
 * @param distribution the empirical distribution of the values: of the raw values when {@code
 *     exactValues} is set ({@link EmpiricalDistribution#ofValues} of them), else a sketch's
 * @param effectiveSize the sample size a test may credit to this side (less than the count when a
 *     sketch's rank error would otherwise read as signal)
 * @param standardDeviation the values' standard deviation (a distance's scale)
 */
public record NumericSample(
    double[] exactValues,
    EmpiricalDistribution distribution,
    double effectiveSize,
    double standardDeviation) {

  /** Whether both sides hold their raw values. */
  public static boolean bothExact(NumericSample a, NumericSample b) {
    return a.exactValues() != null && b.exactValues() != null;
  }
}
