package io.driftgate.bench.shap;

import io.driftgate.core.explain.Background;
import io.driftgate.core.explain.BatchModel;
import io.driftgate.core.explain.ExactShap;
import io.driftgate.core.explain.Explanation;
import io.driftgate.core.explain.KernelShap;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * SHAP throughput and accuracy, every number against a baseline in the same process.
 *
 * <ul>
 *   <li>Exact SHAP points/s for M = 8, 12, 16 features (a seeded 32-unit tanh MLP, background of 16
 *       rows) with {@link ExactShap} (all coalitions of all points in model batches) vs a naive
 *       baseline that evaluates v(S) coalition by coalition, one model call per background row.
 *   <li>KernelSHAP mean |φ − φ_exact| vs its coalition budget, M = 12.
 * </ul>
 *
 * Run: {@code java -cp bench/target/classes:$(cat cp.txt) io.driftgate.bench.shap.ShapBench}.
 */
public final class ShapBench {
  private ShapBench() {}

  /** A fixed random MLP: M → 32 tanh → sigmoid. */
  static BatchModel mlp(int m, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int h = 32;
    double[][] w1 = new double[h][m];
    double[] b1 = new double[h];
    double[] w2 = new double[h];
    for (int i = 0; i < h; i++) {
      for (int j = 0; j < m; j++) {
        w1[i][j] = r.nextGaussian() / Math.sqrt(m);
      }
      b1[i] = r.nextGaussian() * 0.1;
      w2[i] = r.nextGaussian() / Math.sqrt(h);
    }
    return rows -> {
      double[] out = new double[rows.length];
      for (int n = 0; n < rows.length; n++) {
        double z = 0;
        for (int i = 0; i < h; i++) {
          double a = b1[i];
          for (int j = 0; j < m; j++) {
            a += w1[i][j] * rows[n][j];
          }
          z += w2[i] * Math.tanh(a);
        }
        out[n] = 1 / (1 + Math.exp(-z));
      }
      return out;
    };
  }

  static double[][] data(int n, int m, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] x = new double[n][m];
    for (double[] row : x) {
      for (int j = 0; j < m; j++) {
        row[j] = r.nextGaussian();
      }
    }
    return x;
  }

  /** Naive exact SHAP: v(S) per coalition, one single-row model call per background row. */
  static double[] naive(BatchModel f, double[][] bg, double[] x) {
    int m = x.length;
    int n = 1 << m;
    double[] v = new double[n];
    double[][] one = new double[1][];
    for (int mask = 0; mask < n; mask++) {
      double s = 0;
      for (double[] b : bg) {
        double[] z = b.clone();
        for (int j = 0; j < m; j++) {
          if ((mask >> j & 1) != 0) {
            z[j] = x[j];
          }
        }
        one[0] = z;
        s += f.predict(one)[0];
      }
      v[mask] = s / bg.length;
    }
    double[] coef = new double[m];
    double binom = 1;
    for (int s = 0; s < m; s++) {
      coef[s] = 1.0 / (m * binom);
      binom = binom * (m - 1 - s) / (s + 1);
    }
    double[] phi = new double[m];
    for (int mask = 0; mask < n; mask++) {
      int size = Integer.bitCount(mask);
      for (int j = 0; j < m; j++) {
        if ((mask >> j & 1) == 0) {
          phi[j] += coef[size] * (v[mask | 1 << j] - v[mask]);
        }
      }
    }
    return phi;
  }

  public static void main(String[] args) {
    int bgRows = 16;
    System.out.println("Exact SHAP, background " + bgRows + " rows, 32-unit MLP");
    System.out.printf(
        "%4s %8s %14s %14s %8s %12s%n",
        "M", "points", "batched pt/s", "naive pt/s", "speedup", "max |Δφ|");
    for (int m : new int[] {8, 12, 16}) {
      BatchModel f = mlp(m, 1);
      double[][] bg = data(bgRows, m, 2);
      int points = m == 8 ? 400 : m == 12 ? 24 : 2;
      double[][] xs = data(points, m, 3);
      ExactShap exact = new ExactShap(f, Background.of(bg));
      exact.explainAll(data(Math.min(points, 4), m, 9)); // warm-up
      naive(f, bg, xs[0]);
      long t0 = System.nanoTime();
      List<Explanation> es = exact.explainAll(xs);
      double batched = points / ((System.nanoTime() - t0) / 1e9);
      int naivePoints = Math.max(1, points / 4);
      double maxDiff = 0;
      t0 = System.nanoTime();
      for (int i = 0; i < naivePoints; i++) {
        double[] phi = naive(f, bg, xs[i]);
        for (int j = 0; j < m; j++) {
          maxDiff = Math.max(maxDiff, Math.abs(phi[j] - es.get(i).phi(j)));
        }
      }
      double naiveRate = naivePoints / ((System.nanoTime() - t0) / 1e9);
      System.out.printf(
          Locale.ROOT,
          "%4d %8d %14.2f %14.2f %7.2fx %12.2e%n",
          m,
          points,
          batched,
          naiveRate,
          batched / naiveRate,
          maxDiff);
    }

    int m = 12;
    BatchModel f = mlp(m, 4);
    double[][] bg = data(bgRows, m, 5);
    double[][] xs = data(20, m, 6);
    List<Explanation> truth = new ExactShap(f, Background.of(bg)).explainAll(xs);
    double scale = 0;
    for (Explanation e : truth) {
      for (double v : e.phi()) {
        scale += Math.abs(v);
      }
    }
    scale /= truth.size() * m;
    System.out.printf(
        Locale.ROOT,
        "%nKernelSHAP vs exact, M = %d (%d coalitions), 20 points, mean |φ_exact| = %.2e%n",
        m,
        1 << m,
        scale);
    System.out.printf("%8s %14s %12s %10s%n", "budget", "mean |Δφ|", "relative", "pt/s");
    for (int budget : new int[] {32, 64, 128, 256, 512, 1024, 2048, 4094}) {
      KernelShap k = new KernelShap(f, Background.of(bg), budget, 11);
      long t0 = System.nanoTime();
      List<Explanation> est = k.explainAll(xs);
      double rate = xs.length / ((System.nanoTime() - t0) / 1e9);
      double err = 0;
      for (int i = 0; i < xs.length; i++) {
        for (int j = 0; j < m; j++) {
          err += Math.abs(est.get(i).phi(j) - truth.get(i).phi(j));
        }
      }
      err /= xs.length * m;
      System.out.printf(
          Locale.ROOT, "%8d %14.3e %11.2f%% %10.1f%n", budget, err, 100 * err / scale, rate);
    }
  }
}
