package io.driftgate.core.performance;

import java.time.Instant;
import java.util.Objects;

/**
 * Evidence that the champion got worse within a window: a change detector's alarm (or a windowed
 * metric whose interval lies on the worse side of validation), as the retrain policy receives it.
 *
 * @param detector the detector or check that fired, e.g. {@code adwin}
 * @param metric the monitored quantity, e.g. {@code error} or {@code logloss}
 * @param changePoint event time of the first record of the new regime, as estimated
 * @param before the metric before the change point
 * @param after the metric after it
 */
public record PerformanceEvidence(
    String detector, String metric, Instant changePoint, double before, double after) {
  public PerformanceEvidence {
    Objects.requireNonNull(detector, "detector");
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(changePoint, "changePoint");
  }

  /** From a detector's change, with the change point mapped to event time by the caller. */
  public static PerformanceEvidence of(
      ChangeDetector.Change change, String metric, Instant changePoint) {
    return new PerformanceEvidence(
        change.detector(), metric, changePoint, change.meanBefore(), change.meanAfter());
  }

  /** The id a retrain request lists as evidence: {@code performance:<detector>:<metric>@<time>}. */
  public String id() {
    return "performance:" + detector + ":" + metric + "@" + changePoint;
  }
}
