package io.driftgate.core.drift.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Helpers for count vectors shared by the metrics. */
public final class Counts {
  private Counts() {}

  /**
   * Two count vectors over the same, sorted categories.
   *
   * @param categories the union of both key sets, in natural order
   * @param a counts of the first map (0 where absent)
   * @param b counts of the second map (0 where absent)
   */
  public record Aligned(List<String> categories, long[] a, long[] b) {}

  /** Aligns two category -> count maps over the union of their keys (missing keys count 0). */
  public static Aligned align(Map<String, Long> a, Map<String, Long> b) {
    TreeSet<String> keys = new TreeSet<>(a.keySet());
    keys.addAll(b.keySet());
    List<String> cats = new ArrayList<>(keys);
    long[] ca = new long[cats.size()];
    long[] cb = new long[cats.size()];
    for (int i = 0; i < cats.size(); i++) {
      ca[i] = a.getOrDefault(cats.get(i), 0L);
      cb[i] = b.getOrDefault(cats.get(i), 0L);
    }
    return new Aligned(List.copyOf(cats), ca, cb);
  }

  /**
   * Normalises counts to proportions.
   *
   * @throws IllegalArgumentException if a count is negative or the total is 0
   */
  public static double[] normalise(long[] counts, String what) {
    long total = total(counts, what);
    if (total == 0) {
      throw new IllegalArgumentException(what + " counts are empty (total 0)");
    }
    double[] p = new double[counts.length];
    for (int i = 0; i < counts.length; i++) {
      p[i] = counts[i] / (double) total;
    }
    return p;
  }

  static long total(long[] counts, String what) {
    long total = 0;
    for (long c : counts) {
      if (c < 0) {
        throw new IllegalArgumentException(what + " counts must be non-negative: " + c);
      }
      total = Math.addExact(total, c);
    }
    return total;
  }

  static void checkSameLength(long[] a, long[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(
          "count vectors differ in length: " + a.length + " vs " + b.length);
    }
    if (a.length == 0) {
      throw new IllegalArgumentException("count vectors are empty (no bins)");
    }
  }
}
