package io.driftgate.core.drift.profile;

/**
 * How a feature is profiled: numeric (quantile sketch), categorical (value counts), image
 * (intensity statistics and embeddings) or text (hashed tokens, vocabulary and embeddings).
 */
public enum ProfiledKind {
  NUMERIC,
  CATEGORICAL,
  IMAGE,
  TEXT
}
