package io.driftgate.core.policy;

import java.time.Instant;
import java.util.List;

/**
 * A retrain request, or a suppressed one.
 *
 * @param modelName the model
 * @param idempotencyKey first 32 hex chars of SHA-256 of {@code model|triggerWindowEnd|reasons}
 *     (ISO-8601 instant, reasons sorted by name and comma-joined); equal inputs give equal keys
 * @param triggerWindowEnd end of the window that triggered the decision
 * @param reasons why, sorted by enum order
 * @param evidenceReportIds report ids of the k consecutive drifted windows (drift reasons), or of
 *     the trigger window alone (volume / age only), oldest first
 * @param dataFrom start of the training data range (inclusive): the previous request's {@code
 *     dataTo}, or the model's first window start
 * @param dataTo end of the training data range (exclusive): the trigger window's end
 * @param validRecordsSinceLastRun valid records in the windows since the previous request
 * @param suppressedBy null for a real request; otherwise why it was not issued (no state changed
 *     and the trigger is re-evaluated on the next window)
 */
public record RetrainDecision(
    String modelName,
    String idempotencyKey,
    Instant triggerWindowEnd,
    List<RetrainReason> reasons,
    List<String> evidenceReportIds,
    Instant dataFrom,
    Instant dataTo,
    long validRecordsSinceLastRun,
    SuppressionReason suppressedBy) {

  public RetrainDecision {
    reasons = List.copyOf(reasons);
    evidenceReportIds = List.copyOf(evidenceReportIds);
  }

  /** True when the trigger fired but the request was held back. */
  public boolean isSuppressed() {
    return suppressedBy != null;
  }
}
