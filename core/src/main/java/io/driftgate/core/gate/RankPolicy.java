package io.driftgate.core.gate;

/** What a failed rank-stability check (nDCG vs champion, Kendall τ across seeds) does. */
public enum RankPolicy {
  /** Block promotion. */
  FAIL,
  /** Report, but do not block promotion. */
  WARN
}
