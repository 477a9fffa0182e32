package io.driftgate.core.tune;

import java.util.Locale;

/**
 * The metric a study optimises and its direction; {@code val_loss} minimised by default.
 *
 * @param name metric name as reported by trials
 * @param direction minimise or maximise
 */
public record Objective(String name, Direction direction) {
  public static final Objective DEFAULT = minimize("val_loss");

  /** Whether smaller or larger objective values are better. */
  public enum Direction {
    MINIMIZE,
    MAXIMIZE;

    public static Direction parse(String s) {
      String t = s.trim().toLowerCase(Locale.ROOT);
      if (t.startsWith("min")) {
        return MINIMIZE;
      }
      if (t.startsWith("max")) {
        return MAXIMIZE;
      }
      throw new IllegalArgumentException("direction must be minimize or maximize, got " + s);
    }
  }

  public Objective {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("objective needs a metric name");
    }
    if (direction == null) {
      direction = Direction.MINIMIZE;
    }
  }

  public static Objective minimize(String name) {
    return new Objective(name, Direction.MINIMIZE);
  }

  public static Objective maximize(String name) {
    return new Objective(name, Direction.MAXIMIZE);
  }

  /** Whether {@code a} is strictly better than {@code b}. */
  public boolean isBetter(double a, double b) {
    return direction == Direction.MINIMIZE ? a < b : a > b;
  }

  /** Compares so that better values sort first. */
  public int compareBetterFirst(double a, double b) {
    return direction == Direction.MINIMIZE ? Double.compare(a, b) : Double.compare(b, a);
  }
}
