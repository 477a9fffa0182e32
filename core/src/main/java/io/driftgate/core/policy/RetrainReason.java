package io.driftgate.core.policy;

/** Why a retrain was requested. */
public enum RetrainReason {
  /** The drifted-feature share reached the threshold in k consecutive windows. */
  DRIFT,
  /** A critical feature drifted in k consecutive windows (regardless of the share). */
  CRITICAL_FEATURE_DRIFT,
  /** At least {@code minNewRecords} valid records arrived since the last request. */
  VOLUME,
  /** The model is older than {@code maxAge}. */
  MAX_AGE,
  /**
   * The champion's error or loss on labelled records changed for the worse (a performance
   * detector's alarm in the window), whatever the inputs did.
   */
  PERFORMANCE_DRIFT
}
