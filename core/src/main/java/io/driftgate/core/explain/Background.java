package io.driftgate.core.explain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Reference rows for the interventional expectation v(S) = Σ_b w_b f(x_S, b_S̄), with weights
 * (normalized internally, so any positive scale works).
 */
public final class Background {

  private static final int KMEANS_MAX_ITERATIONS = 100;

  private final double[][] rows;
  private final double[] weights;
  private final double[] normalized;

  private Background(double[][] rows, double[] weights) {
    if (rows.length == 0) {
      throw new IllegalArgumentException("background needs at least one row");
    }
    if (weights.length != rows.length) {
      throw new IllegalArgumentException(
          "weights length " + weights.length + " != rows " + rows.length);
    }
    int d = rows[0].length;
    double total = 0;
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != d) {
        throw new IllegalArgumentException("ragged background row " + i);
      }
      if (!(weights[i] > 0) || Double.isInfinite(weights[i])) {
        throw new IllegalArgumentException("weights must be positive and finite: " + weights[i]);
      }
      total += weights[i];
    }
    this.rows = new double[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      this.rows[i] = rows[i].clone();
    }
    this.weights = weights.clone();
    this.normalized = new double[weights.length];
    for (int i = 0; i < weights.length; i++) {
      normalized[i] = weights[i] / total;
    }
  }

  /** All rows, weight 1 each. */
  public static Background of(double[][] rows) {
    double[] w = new double[rows.length];
    Arrays.fill(w, 1.0);
    return new Background(rows, w);
  }

  /** Rows with explicit positive weights. */
  public static Background of(double[][] rows, double[] weights) {
    return new Background(rows, weights);
  }

  /**
   * A seeded sample of {@code n} rows without replacement (all rows when {@code n >= data.length}),
   * weight 1 each.
   */
  public static Background sample(double[][] data, int n, long seed) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1: " + n);
    }
    if (n >= data.length) {
      return of(data);
    }
    int[] idx = new int[data.length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    double[][] out = new double[n][];
    for (int i = 0; i < n; i++) {
      int j = i + rnd.nextInt(idx.length - i);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
      out[i] = data[idx[i]];
    }
    return of(out);
  }

  /**
   * k-means summary: k-means++ initialization and Lloyd iterations (seeded, at most 100), the
   * centroids weighted by their cluster sizes. Clusters that end up empty are dropped, so the
   * result may have fewer than {@code k} rows; with {@code k >= data.length} the data itself is
   * returned with weight 1 per row.
   */
  public static Background kMeans(double[][] data, int k, long seed) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1: " + k);
    }
    if (data.length == 0) {
      throw new IllegalArgumentException("no data");
    }
    if (k >= data.length) {
      return of(data);
    }
    int n = data.length;
    int d = data[0].length;
    SplittableRandom rnd = new SplittableRandom(seed);
    double[][] centers = new double[k][];
    centers[0] = data[rnd.nextInt(n)].clone();
    double[] dist = new double[n];
    Arrays.fill(dist, Double.POSITIVE_INFINITY);
    for (int c = 1; c < k; c++) {
      double total = 0;
      for (int i = 0; i < n; i++) {
        dist[i] = Math.min(dist[i], sq(data[i], centers[c - 1]));
        total += dist[i];
      }
      int pick;
      if (total <= 0) {
        pick = rnd.nextInt(n);
      } else {
        double r = rnd.nextDouble() * total;
        pick = n - 1;
        for (int i = 0; i < n; i++) {
          r -= dist[i];
          if (r < 0) {
            pick = i;
            break;
          }
        }
      }
      centers[c] = data[pick].clone();
    }
    int[] assign = new int[n];
    Arrays.fill(assign, -1);
    int[] counts = new int[k];
    for (int iter = 0; iter < KMEANS_MAX_ITERATIONS; iter++) {
      boolean changed = false;
      for (int i = 0; i < n; i++) {
        int best = 0;
        double bestD = Double.POSITIVE_INFINITY;
        for (int c = 0; c < k; c++) {
          double dd = sq(data[i], centers[c]);
          if (dd < bestD) {
            bestD = dd;
            best = c;
          }
        }
        if (assign[i] != best) {
          assign[i] = best;
          changed = true;
        }
      }
      Arrays.fill(counts, 0);
      double[][] sums = new double[k][d];
      for (int i = 0; i < n; i++) {
        counts[assign[i]]++;
        for (int j = 0; j < d; j++) {
          sums[assign[i]][j] += data[i][j];
        }
      }
      for (int c = 0; c < k; c++) {
        if (counts[c] > 0) {
          for (int j = 0; j < d; j++) {
            centers[c][j] = sums[c][j] / counts[c];
          }
        }
      }
      if (!changed) {
        break;
      }
    }
    List<double[]> rows = new ArrayList<>();
    List<Double> w = new ArrayList<>();
    for (int c = 0; c < k; c++) {
      if (counts[c] > 0) {
        rows.add(centers[c]);
        w.add((double) counts[c]);
      }
    }
    return new Background(
        rows.toArray(new double[0][]), w.stream().mapToDouble(Double::doubleValue).toArray());
  }

  private static double sq(double[] a, double[] b) {
    double s = 0;
    for (int j = 0; j < a.length; j++) {
      double t = a[j] - b[j];
      s += t * t;
    }
    return s;
  }

  /** Copies of the rows. */
  public double[][] rows() {
    double[][] out = new double[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      out[i] = rows[i].clone();
    }
    return out;
  }

  /** The weights as given (cluster sizes for {@link #kMeans}). */
  public double[] weights() {
    return weights.clone();
  }

  /** Number of rows. */
  public int size() {
    return rows.length;
  }

  /** Number of features per row. */
  public int features() {
    return rows[0].length;
  }

  double[] row(int i) {
    return rows[i];
  }

  double normalizedWeight(int i) {
    return normalized[i];
  }

  /** Weighted mean of every feature: E x over the background. */
  public double[] mean() {
    double[] m = new double[features()];
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < m.length; j++) {
        m[j] += normalized[i] * rows[i][j];
      }
    }
    return m;
  }
}
