package io.driftgate.streaming.ingest;

import io.driftgate.core.lake.Lake;

/**
 * Whether the drift monitor has closed every event-time window it can close now: the stop rule of
 * {@link StopCondition#monitorClosedAllWindows}.
 *
 * <p>A window closes when the watermark passes its end, and the watermark never runs ahead of the
 * wall clock minus {@link EventTimePolicy#MAX_DELAY} ({@link EventTimePolicy}). Accepted event
 * times may lie up to {@code eventTime.maxFutureSkew} ahead of the clock; the windows that hold
 * them cannot close yet, so they are not waited for. Everything else is: every window that holds
 * committed rows and ends by the watermark cap.
 */
final class MonitorProgress {
  private MonitorProgress() {}

  /** Whether committed rows have event times in {@code [fromMillis, toMillis)}. */
  @FunctionalInterface
  interface Rows {
    boolean existBetween(long fromMillis, long toMillis);
  }

  /**
   * @param maxEventTime the newest committed event time, epoch ms
   * @param lastClosedWindowEnd end of the newest window the monitor has closed (0 when none)
   * @param windowMillis the drift window length
   * @param watermarkCap the latest the watermark can be now: wall clock minus the watermark delay
   * @param rows asked only when the newest rows lie in windows that cannot close yet
   */
  static boolean closedAllWindows(
      long maxEventTime,
      long lastClosedWindowEnd,
      long windowMillis,
      long watermarkCap,
      Rows rows) {
    long lastWindowEnd = windowEnd(maxEventTime, windowMillis);
    if (lastClosedWindowEnd >= lastWindowEnd) {
      return true;
    }
    // End of the newest window the watermark can have passed by now.
    long closable = Math.floorDiv(watermarkCap, windowMillis) * windowMillis;
    if (lastWindowEnd <= closable) {
      return false;
    }
    // The newest rows are too far ahead for their windows to close: wait only for the windows
    // that can close, i.e. for rows after the last closed window and before the cap.
    if (closable <= lastClosedWindowEnd) {
      return true;
    }
    return !rows.existBetween(lastClosedWindowEnd, closable);
  }

  static long windowEnd(long eventTime, long windowMillis) {
    long start = Math.floorDiv(eventTime, windowMillis) * windowMillis;
    return start > Long.MAX_VALUE - windowMillis ? Long.MAX_VALUE : start + windowMillis;
  }

  /** Whether {@code lake} has a committed row with event time in {@code [from, to)}. */
  static boolean rowsBetween(Lake lake, long fromMillis, long toMillis) {
    try {
      lake.scan(
          fromMillis,
          toMillis,
          r -> {
            throw Found.INSTANCE;
          });
      return false;
    } catch (Found f) {
      return true;
    }
  }

  /** Ends a scan at its first row. */
  private static final class Found extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final Found INSTANCE = new Found();

    private Found() {
      super("found", null, false, false);
    }
  }
}
