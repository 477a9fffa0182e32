package io.driftgate.core.explain;

import java.util.BitSet;
import java.util.List;

/**
 * Evaluates interventional coalition values v(S) = Σ_b w_b f(x_S, b_S̄) for many points and
 * coalitions, streaming the synthetic rows through the model in batches of a fixed size. Players
 * are groups of feature indices that partition the features.
 */
final class CoalitionEvaluator {

  private final BatchModel model;
  private final Background background;
  private final int[][] groups;
  private final int features;
  private final int batchSize;
  private double baseValue = Double.NaN;

  CoalitionEvaluator(BatchModel model, Background background, int[][] groups, int batchSize) {
    if (model == null || background == null) {
      throw new IllegalArgumentException("model and background are required");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1: " + batchSize);
    }
    this.model = model;
    this.background = background;
    this.features = background.features();
    this.batchSize = batchSize;
    this.groups = checkPartition(groups, features);
  }

  static int[][] singletons(int features) {
    int[][] g = new int[features][];
    for (int i = 0; i < features; i++) {
      g[i] = new int[] {i};
    }
    return g;
  }

  private static int[][] checkPartition(int[][] groups, int features) {
    boolean[] seen = new boolean[features];
    int[][] copy = new int[groups.length][];
    for (int g = 0; g < groups.length; g++) {
      if (groups[g].length == 0) {
        throw new IllegalArgumentException("group " + g + " is empty");
      }
      for (int f : groups[g]) {
        if (f < 0 || f >= features) {
          throw new IllegalArgumentException("feature index " + f + " out of range " + features);
        }
        if (seen[f]) {
          throw new IllegalArgumentException("feature " + f + " is in more than one group");
        }
        seen[f] = true;
      }
      copy[g] = groups[g].clone();
    }
    for (int f = 0; f < features; f++) {
      if (!seen[f]) {
        throw new IllegalArgumentException("feature " + f + " is in no group");
      }
    }
    return copy;
  }

  int players() {
    return groups.length;
  }

  int features() {
    return features;
  }

  /** E f over the background (computed once). */
  synchronized double baseValue() {
    if (Double.isNaN(baseValue)) {
      double[][] rows = new double[background.size()][];
      for (int b = 0; b < rows.length; b++) {
        rows[b] = background.row(b).clone();
      }
      double s = 0;
      int b = 0;
      for (int start = 0; start < rows.length; start += batchSize) {
        int end = Math.min(rows.length, start + batchSize);
        double[] out = predict(java.util.Arrays.copyOfRange(rows, start, end));
        for (double o : out) {
          s += background.normalizedWeight(b++) * o;
        }
      }
      baseValue = s;
    }
    return baseValue;
  }

  /** f(x) for each point, in batches. */
  double[] outputs(double[][] xs) {
    double[] fx = new double[xs.length];
    for (int start = 0; start < xs.length; start += batchSize) {
      int end = Math.min(xs.length, start + batchSize);
      double[][] rows = new double[end - start][];
      for (int i = start; i < end; i++) {
        rows[i - start] = checkPoint(xs[i]).clone();
      }
      double[] out = predict(rows);
      System.arraycopy(out, 0, fx, start, out.length);
    }
    return fx;
  }

  double[] checkPoint(double[] x) {
    if (x.length != features) {
      throw new IllegalArgumentException(
          "point has " + x.length + " features, background has " + features);
    }
    return x;
  }

  /**
   * v(S) for every point and coalition: result[p][s]. The empty coalition is E f, the full one f(x)
   * evaluated on a single row.
   */
  double[][] values(double[][] xs, List<BitSet> coalitions) {
    int nb = background.size();
    double base = baseValue();
    double[][] v = new double[xs.length][coalitions.size()];
    boolean[][] fromX = new boolean[coalitions.size()][];
    for (int s = 0; s < coalitions.size(); s++) {
      BitSet c = coalitions.get(s);
      if (c.length() > groups.length) {
        throw new IllegalArgumentException("coalition mentions player " + (c.length() - 1));
      }
      boolean[] m = new boolean[features];
      for (int g = c.nextSetBit(0); g >= 0; g = c.nextSetBit(g + 1)) {
        for (int f : groups[g]) {
          m[f] = true;
        }
      }
      fromX[s] = m;
    }
    Batch batch = new Batch(v);
    for (int p = 0; p < xs.length; p++) {
      double[] x = checkPoint(xs[p]);
      for (int s = 0; s < coalitions.size(); s++) {
        int card = coalitions.get(s).cardinality();
        if (card == 0) {
          v[p][s] = base;
        } else if (card == groups.length) {
          batch.add(x, fromX[s], x, p, s, 1.0);
        } else {
          for (int b = 0; b < nb; b++) {
            batch.add(x, fromX[s], background.row(b), p, s, background.normalizedWeight(b));
          }
        }
      }
    }
    batch.flush();
    return v;
  }

  private double[] predict(double[][] rows) {
    double[] out = model.predict(rows);
    if (out == null || out.length != rows.length) {
      throw new IllegalStateException(
          "model returned "
              + (out == null ? "null" : out.length + " outputs")
              + " for "
              + rows.length
              + " rows");
    }
    return out;
  }

  private final class Batch {
    final double[][] target;
    final double[][] rows = new double[batchSize][features];
    final int[] point = new int[batchSize];
    final int[] coalition = new int[batchSize];
    final double[] weight = new double[batchSize];
    int size;

    Batch(double[][] target) {
      this.target = target;
    }

    void add(double[] x, boolean[] fromX, double[] bg, int p, int s, double w) {
      double[] r = rows[size];
      for (int j = 0; j < features; j++) {
        r[j] = fromX[j] ? x[j] : bg[j];
      }
      point[size] = p;
      coalition[size] = s;
      weight[size] = w;
      if (++size == batchSize) {
        flush();
      }
    }

    void flush() {
      if (size == 0) {
        return;
      }
      double[][] in = size == batchSize ? rows : java.util.Arrays.copyOf(rows, size);
      double[] out = predict(in);
      for (int k = 0; k < size; k++) {
        target[point[k]][coalition[k]] += weight[k] * out[k];
      }
      size = 0;
    }
  }
}
