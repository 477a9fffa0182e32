package io.driftgate.bench.drift;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Small statistics and output helpers for the drift benchmarks. */
final class Stats {
  private Stats() {}

  /** Wilson score 95% interval {lo, hi} for {@code k} successes in {@code n} trials. */
  static double[] wilson(long k, long n) {
    if (n == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double z = 1.959964;
    double p = k / (double) n;
    double d = 1 + z * z / n;
    double c = (p + z * z / (2.0 * n)) / d;
    double h = z * Math.sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / d;
    return new double[] {Math.max(0, c - h), Math.min(1, c + h)};
  }

  /**
   * Verdict on "rate within ±tol of alpha": PASS when the whole 95% interval lies inside, FAIL when
   * it lies wholly outside, else INCONCLUSIVE (too few trials to tell).
   */
  static String verdict(double[] ci, double alpha, double tol) {
    if (ci[0] >= alpha - tol && ci[1] <= alpha + tol) {
      return "PASS";
    }
    if (ci[1] < alpha - tol || ci[0] > alpha + tol) {
      return "FAIL";
    }
    return "INCONCL";
  }

  /** Quantile (linear interpolation) of unsorted values. */
  static double quantile(double[] values, double q) {
    double[] s = values.clone();
    Arrays.sort(s);
    if (s.length == 0) {
      return Double.NaN;
    }
    double pos = q * (s.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(s.length - 1, lo + 1);
    return s[lo] + (pos - lo) * (s[hi] - s[lo]);
  }

  static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return v.length == 0 ? Double.NaN : s / v.length;
  }

  /** SplitMix64 over a few longs: independent, reproducible seeds. */
  static long seed(long... parts) {
    long z = 0x9E3779B97F4A7C15L;
    for (long p : parts) {
      z += p * 0xBF58476D1CE4E5B9L + 0x632BE59BD9B4E019L;
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      z ^= z >>> 31;
    }
    return z;
  }

  static String pct(double v) {
    return Double.isNaN(v) ? "   -  " : String.format(Locale.ROOT, "%5.2f%%", 100 * v);
  }

  static String f(String fmt, Object... args) {
    return String.format(Locale.ROOT, fmt, args);
  }

  static void writeCsv(Path file, String header, List<String> lines) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      StringBuilder sb = new StringBuilder(header).append('\n');
      for (String l : lines) {
        sb.append(l).append('\n');
      }
      Files.writeString(file, sb.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String csv(Object... cells) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      Object c = cells[i];
      String s;
      if (c instanceof Double d) {
        s = d.isNaN() ? "" : String.format(Locale.ROOT, "%.6g", d);
      } else {
        s = String.valueOf(c);
      }
      if (s.contains(",") || s.contains("\"")) {
        s = "\"" + s.replace("\"", "\"\"") + "\"";
      }
      sb.append(s);
    }
    return sb.toString();
  }
}
