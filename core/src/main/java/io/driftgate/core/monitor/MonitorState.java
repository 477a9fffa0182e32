package io.driftgate.core.monitor;

import java.io.Serializable;

/**
 * Everything a drift monitor needs to resume.
 *
 * @param reference serialized reference profile ({@code DatasetProfile.toBytes}), null if none
 * @param referenceComplete whether the reference is final (else still accumulating)
 * @param referenceId where the reference came from
 * @param policyStateJson the retrain policy's exported state
 * @param windows windows processed
 * @param lastWindowEnd end of the last window processed, epoch millis (0 if none)
 * @param performanceStateJson the champion's performance monitor ({@code
 *     PerformanceMonitor#exportState}), null if none
 */
public record MonitorState(
    byte[] reference,
    boolean referenceComplete,
    String referenceId,
    String policyStateJson,
    long windows,
    long lastWindowEnd,
    String performanceStateJson)
    implements Serializable {

  /** Without a performance monitor's state. */
  public MonitorState(
      byte[] reference,
      boolean referenceComplete,
      String referenceId,
      String policyStateJson,
      long windows,
      long lastWindowEnd) {
    this(reference, referenceComplete, referenceId, policyStateJson, windows, lastWindowEnd, null);
  }

  public static MonitorState initial() {
    return new MonitorState(null, false, null, null, 0, 0);
  }

  /** A copy with the performance monitor's state replaced. */
  public MonitorState withPerformanceState(String json) {
    return new MonitorState(
        reference, referenceComplete, referenceId, policyStateJson, windows, lastWindowEnd, json);
  }
}
