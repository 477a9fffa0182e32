package io.driftgate.core.lake;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fault hooks for crash tests: when the system property {@code driftgate.fault} names a point
 * ({@code point} or {@code point@N} for its N-th hit), the JVM halts there as a kill -9 would, so a
 * test can crash a writer between writing data files and the catalog commit. Never set in
 * production.
 */
public final class LakeFaults {
  /**
   * After data files are written, before the catalog commit of a batch with offsets the lake does
   * not hold yet (replayed batches, which commit nothing, do not count as hits).
   */
  public static final String BEFORE_COMMIT = "lake.before-commit";

  /** After the dead-letter table committed, before the records table did. */
  public static final String BETWEEN_TABLE_COMMITS = "lake.between-table-commits";

  private static final AtomicInteger HITS = new AtomicInteger();

  private LakeFaults() {}

  public static void hit(String point) {
    String fault = System.getProperty("driftgate.fault");
    if (fault == null || !fault.startsWith(point)) {
      return;
    }
    int at = 1;
    if (fault.length() > point.length()) {
      if (fault.charAt(point.length()) != '@') {
        return;
      }
      at = Integer.parseInt(fault.substring(point.length() + 1));
    }
    if (HITS.incrementAndGet() >= at) {
      System.err.println("driftgate.fault: halting at " + point);
      System.err.flush();
      Runtime.getRuntime().halt(137);
    }
  }
}
