package io.driftgate.core.fault;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fault hooks for crash tests: when the system property {@code driftgate.fault} names a point
 * ({@code point} or {@code point@N} for its N-th hit), the JVM halts there as a kill -9 would, so a
 * test can crash a process between writing objects and committing the rows that make them visible
 * (the lake's catalog commit, the registry's version rows). Never set in production.
 */
public final class Faults {
  /**
   * After data files are written, before the catalog commit of a batch with offsets the lake does
   * not hold yet (replayed batches, which commit nothing, do not count as hits).
   */
  public static final String LAKE_BEFORE_COMMIT = "lake.before-commit";

  /** After the dead-letter table committed, before the records table did. */
  public static final String LAKE_BETWEEN_TABLE_COMMITS = "lake.between-table-commits";

  /** After a model version's objects are in the artifact store, before its rows commit. */
  public static final String REGISTRY_BEFORE_COMMIT = "registry.before-commit";

  private static final AtomicInteger HITS = new AtomicInteger();

  private Faults() {}

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
