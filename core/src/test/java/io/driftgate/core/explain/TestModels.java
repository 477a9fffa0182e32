package io.driftgate.core.explain;

import java.util.Random;

/** Plain-Java models and data for the explainer tests. */
final class TestModels {

  private TestModels() {}

  /** f(x) = bias + Σ w_i x_i. */
  static BatchModel linear(double[] w, double bias) {
    return rows -> {
      double[] out = new double[rows.length];
      for (int r = 0; r < rows.length; r++) {
        double s = bias;
        for (int j = 0; j < w.length; j++) {
          s += w[j] * rows[r][j];
        }
        out[r] = s;
      }
      return out;
    };
  }

  /**
   * A fixed 2-layer MLP: sigmoid(v · tanh(W x + b) + c) plus an explicit x0·x1 interaction, with
   * weights drawn once from a fixed seed.
   */
  static BatchModel mlp(int inputs, int hidden, long weightSeed) {
    return mlp(inputs, hidden, weightSeed, 0.8);
  }

  /** As {@link #mlp(int, int, long)} with the hidden weights' standard deviation given. */
  static BatchModel mlp(int inputs, int hidden, long weightSeed, double scale) {
    Random r = new Random(weightSeed);
    double[][] w = new double[hidden][inputs];
    double[] b = new double[hidden];
    double[] v = new double[hidden];
    for (int h = 0; h < hidden; h++) {
      for (int j = 0; j < inputs; j++) {
        w[h][j] = r.nextGaussian() * scale;
      }
      b[h] = r.nextGaussian() * 0.3;
      v[h] = r.nextGaussian();
    }
    double c = 0.1;
    return rows -> {
      double[] out = new double[rows.length];
      for (int k = 0; k < rows.length; k++) {
        double[] x = rows[k];
        double z = c + 0.5 * x[0] * x[1];
        for (int h = 0; h < hidden; h++) {
          double a = b[h];
          for (int j = 0; j < inputs; j++) {
            a += w[h][j] * x[j];
          }
          z += v[h] * Math.tanh(a);
        }
        out[k] = 1.0 / (1.0 + Math.exp(-z));
      }
      return out;
    };
  }

  static double[][] gaussian(int n, int d, long seed) {
    Random r = new Random(seed);
    double[][] out = new double[n][d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        out[i][j] = r.nextGaussian();
      }
    }
    return out;
  }

  static double sum(double[] a) {
    double s = 0;
    for (double v : a) {
      s += v;
    }
    return s;
  }

  static double maxAbsDiff(double[] a, double[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }
}
