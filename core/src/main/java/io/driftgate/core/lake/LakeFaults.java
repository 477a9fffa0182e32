package io.driftgate.core.lake;

/**
 * Fault hooks for crash tests: when the system property {@code driftgate.fault} names a point, the
 * JVM halts there (as a kill -9 would), so tests can crash a writer between writing data files and
 * the catalog commit. Never set in production.
 */
public final class LakeFaults {
  /** After data files are written, before the catalog commit. */
  public static final String BEFORE_COMMIT = "lake.before-commit";

  /** After the dead-letter table committed, before the records table did. */
  public static final String BETWEEN_TABLE_COMMITS = "lake.between-table-commits";

  private LakeFaults() {}

  public static void hit(String point) {
    if (point.equals(System.getProperty("driftgate.fault"))) {
      System.err.println("driftgate.fault: halting at " + point);
      System.err.flush();
      Runtime.getRuntime().halt(137);
    }
  }
}
