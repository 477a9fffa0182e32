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
  MAX_AGE
}
