package io.driftgate.core.drift;

import io.driftgate.core.drift.metrics.DriftMetric;
import io.driftgate.core.drift.profile.ProfiledKind;

/**
 * Drift of one feature.
 *
 * @param feature feature name
 * @param kind feature kind
 * @param status whether the comparison could be made
 * @param metric the metric applied
 * @param score the metric's value: the test statistic (KS D, chi-squared) for tests, the distance
 *     otherwise (Wasserstein normalised by the reference std); NaN unless status is OK
 * @param threshold the threshold applied (to the p-value for tests, to the score otherwise)
 * @param pValue p-value for tests, null for distances or unless status is OK
 * @param drifted whether the feature drifted (false unless status is OK)
 * @param referenceNullRate null rate in the reference (NaN if it has no values)
 * @param currentNullRate null rate in the current window (NaN if absent or no values)
 * @param referenceCount values entering the reference distribution
 * @param currentCount values entering the current distribution
 */
public record FeatureDrift(
    String feature,
    ProfiledKind kind,
    Status status,
    DriftMetric metric,
    double score,
    double threshold,
    Double pValue,
    boolean drifted,
    double referenceNullRate,
    double currentNullRate,
    long referenceCount,
    long currentCount) {

  /** Whether a feature could be compared. Only OK features count towards the drifted share. */
  public enum Status {
    OK,
    /** The reference has no valid (non-null, finite) values. */
    EMPTY_REFERENCE,
    /** The current window has no profile for the feature. */
    MISSING_IN_CURRENT,
    /** The current window has no valid values. */
    EMPTY_CURRENT,
    /** The feature is numeric on one side and categorical on the other. */
    KIND_MISMATCH
  }
}
