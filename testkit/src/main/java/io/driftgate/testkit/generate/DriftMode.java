package io.driftgate.testkit.generate;

/** How a synthetic drift sets in. */
public enum DriftMode {
  /** Every record from {@code startAt} on comes from the drifted concept. */
  ABRUPT,
  /**
   * The share of drifted records rises linearly from 0 at {@code startAt} to 1 after {@code
   * rampRecords} records.
   */
  GRADUAL
}
