package io.driftgate.core.explain;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/** Global importance per player: the mean absolute Shapley value over a set of explanations. */
public final class GlobalImportance {

  private final double[] values;

  private GlobalImportance(double[] values) {
    this.values = values;
  }

  /** Wraps precomputed importances (copied). */
  public static GlobalImportance of(double[] values) {
    return new GlobalImportance(values.clone());
  }

  /** Mean |φ| per player over the explanations, which must all have the same size. */
  public static GlobalImportance meanAbs(List<Explanation> explanations) {
    if (explanations.isEmpty()) {
      throw new IllegalArgumentException("no explanations");
    }
    int m = explanations.get(0).size();
    double[] v = new double[m];
    for (Explanation e : explanations) {
      if (e.size() != m) {
        throw new IllegalArgumentException(
            "explanations of different sizes: " + e.size() + " vs " + m);
      }
      for (int i = 0; i < m; i++) {
        v[i] += Math.abs(e.phi(i));
      }
    }
    for (int i = 0; i < m; i++) {
      v[i] /= explanations.size();
    }
    return new GlobalImportance(v);
  }

  /** Importance per player (a copy). */
  public double[] values() {
    return values.clone();
  }

  /** Player indices, most important first; ties keep the lower index first. */
  public int[] ranking() {
    return IntStream.range(0, values.length)
        .boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> -values[i]).thenComparingInt(i -> i))
        .mapToInt(Integer::intValue)
        .toArray();
  }

  /** Share of the total importance held by the given players (0 when the total is 0). */
  public double share(int... players) {
    double total = Arrays.stream(values).sum();
    if (total <= 0) {
      return 0;
    }
    double s = 0;
    for (int p : IntStream.of(players).distinct().toArray()) {
      s += values[p];
    }
    return s / total;
  }

  @Override
  public String toString() {
    return "GlobalImportance" + Arrays.toString(values);
  }
}
