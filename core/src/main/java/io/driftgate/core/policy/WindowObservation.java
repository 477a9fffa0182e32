package io.driftgate.core.policy;

import io.driftgate.core.performance.PerformanceEvidence;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * The drift outcome of one closed window for one model.
 *
 * @param modelName model the window was compared for
 * @param windowStart window start (inclusive, event time)
 * @param windowEnd window end (exclusive, event time); must be after the start
 * @param reportId id of the drift report (evidence)
 * @param driftedShare share of evaluated features that drifted, in [0, 1]
 * @param driftedFeatures names of the drifted features
 * @param validRecords valid records in the window, >= 0
 * @param performance the champion got worse in this window (a detector's alarm); null: no
 *     performance evidence (no labels, no champion, or nothing changed)
 */
public record WindowObservation(
    String modelName,
    Instant windowStart,
    Instant windowEnd,
    String reportId,
    double driftedShare,
    Set<String> driftedFeatures,
    long validRecords,
    PerformanceEvidence performance) {

  /** A window with input-drift results only. */
  public WindowObservation(
      String modelName,
      Instant windowStart,
      Instant windowEnd,
      String reportId,
      double driftedShare,
      Set<String> driftedFeatures,
      long validRecords) {
    this(
        modelName,
        windowStart,
        windowEnd,
        reportId,
        driftedShare,
        driftedFeatures,
        validRecords,
        null);
  }

  public WindowObservation {
    Objects.requireNonNull(modelName, "modelName");
    Objects.requireNonNull(windowStart, "windowStart");
    Objects.requireNonNull(windowEnd, "windowEnd");
    Objects.requireNonNull(reportId, "reportId");
    if (!windowEnd.isAfter(windowStart)) {
      throw new IllegalArgumentException("windowEnd must be after windowStart");
    }
    if (!(driftedShare >= 0 && driftedShare <= 1)) {
      throw new IllegalArgumentException("driftedShare must be in [0, 1]: " + driftedShare);
    }
    driftedFeatures = Set.copyOf(driftedFeatures);
    if (validRecords < 0) {
      throw new IllegalArgumentException("validRecords must be >= 0");
    }
  }
}
