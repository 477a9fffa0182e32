package io.driftgate.testkit.generate;

import java.util.Objects;

/**
 * A synthetic drift in the generated stream.
 *
 * @param startAt record index where the drift starts
 * @param mode abrupt or gradual
 * @param rampRecords for {@link DriftMode#GRADUAL}: records until every record is drifted
 * @param featureShift magnitude of the covariate shift (0 = none, 1 = clear): longer distances,
 *     more storms and snow, later departures, larger departure delays
 * @param labelShift magnitude of the concept shift (0 = none, 1 = clear): departure delay weighs
 *     less and weather and hour weigh more on {@code delayed}
 */
public record DriftConfig(
    long startAt, DriftMode mode, long rampRecords, double featureShift, double labelShift) {

  public DriftConfig {
    Objects.requireNonNull(mode, "mode");
    if (startAt < 0) {
      throw new IllegalArgumentException("drift startAt must be >= 0: " + startAt);
    }
    if (mode == DriftMode.GRADUAL && rampRecords <= 0) {
      throw new IllegalArgumentException("gradual drift needs rampRecords > 0: " + rampRecords);
    }
    if (!(featureShift >= 0)
        || !(labelShift >= 0)
        || Double.isInfinite(featureShift)
        || Double.isInfinite(labelShift)) {
      throw new IllegalArgumentException("drift shifts must be finite and >= 0");
    }
  }

  /** Abrupt drift at {@code startAt}. */
  public static DriftConfig abrupt(long startAt, double featureShift, double labelShift) {
    return new DriftConfig(startAt, DriftMode.ABRUPT, 0, featureShift, labelShift);
  }

  /** Gradual drift from {@code startAt} over {@code rampRecords} records. */
  public static DriftConfig gradual(
      long startAt, long rampRecords, double featureShift, double labelShift) {
    return new DriftConfig(startAt, DriftMode.GRADUAL, rampRecords, featureShift, labelShift);
  }

  /** Probability in [0, 1] that record {@code index} comes from the drifted concept. */
  public double intensity(long index) {
    if (index < startAt) {
      return 0.0;
    }
    if (mode == DriftMode.ABRUPT) {
      return 1.0;
    }
    return Math.min(1.0, (double) (index - startAt + 1) / rampRecords);
  }
}
