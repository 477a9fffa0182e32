package io.driftgate.gate;

import java.util.List;
import java.util.Objects;

/**
 * What triggered the gated run, for the gate report's link back to the drift evidence.
 *
 * @param runKey the retrain request's idempotency key (the run's key)
 * @param reasons the request's reasons ({@code drift}, {@code schedule}, ...)
 * @param driftReportIds the drift reports the monitor cited as evidence (empty when not drift)
 * @param link where the drift evidence can be read (a relative path or URL of the drift report
 *     page), or null when none was written
 */
public record TriggerEvidence(
    String runKey, List<String> reasons, List<String> driftReportIds, String link) {
  public TriggerEvidence {
    Objects.requireNonNull(runKey, "runKey");
    reasons = List.copyOf(reasons);
    driftReportIds = List.copyOf(driftReportIds);
  }
}
