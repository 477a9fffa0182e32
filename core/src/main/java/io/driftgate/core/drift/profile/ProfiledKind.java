package io.driftgate.core.drift.profile;

/** How a feature is profiled: numeric (quantile sketch) or categorical (value counts). */
public enum ProfiledKind {
  NUMERIC,
  CATEGORICAL
}
