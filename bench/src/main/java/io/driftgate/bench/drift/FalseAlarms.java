package io.driftgate.bench.drift;

import io.driftgate.core.drift.DriftComparator;
import io.driftgate.core.drift.FeatureDrift;
import io.driftgate.core.drift.FeatureOverride;
import io.driftgate.core.drift.metrics.ChiSquared;
import io.driftgate.core.drift.metrics.DriftMetric;
import io.driftgate.core.drift.metrics.EmpiricalDistribution;
import io.driftgate.core.drift.metrics.KolmogorovSmirnov;
import io.driftgate.core.drift.profile.CategoricalProfile;
import io.driftgate.core.drift.profile.DatasetProfile;
import io.driftgate.core.drift.profile.FeatureProfile;
import io.driftgate.core.drift.profile.NumericProfile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.apache.datasketches.kll.KllSketch;

/**
 * False-alarm rates of the p-value tests (KS on numerics, chi-squared on categoricals) on
 * stationary data: each trial draws an independent reference and an independent current window of
 * the same size n from the same distribution and tests them, so trials are i.i.d. Bernoulli(rate)
 * and the Wilson interval applies. Two paths per trial:
 *
 * <ul>
 *   <li><b>raw</b>: exact KS / chi-squared on the values ({@link KolmogorovSmirnov#test(double[],
 *       double[])}, {@link ChiSquared#homogeneity(Map, Map)});
 *   <li><b>prod</b>: production path: {@link NumericProfile} (KLL k=200) / {@link
 *       CategoricalProfile} per side, compared by {@link DriftComparator} with a KS / chi-squared
 *       override;
 *   <li>plus, for numerics, two proposed corrections of the sketch KS p-value ({@link Sketches}).
 * </ul>
 */
final class FalseAlarms {
  static final double[] ALPHAS = {0.05, 0.01};
  static final double TOLERANCE = 0.01;
  static final String[] PATHS = {"raw", "prod", "prod+effN", "prod+Dsub"};

  /** A family of features drawn together. */
  interface Group {
    String name();

    List<String> features();

    boolean numeric(String feature);

    /** Builds what the draws need; called once, outside the parallel trials. */
    default void prepare() {}

    /** Two independent samples of size n per feature: {ref, cur}, double[] or String[]. */
    Map<String, Object[]> draw(long seed, int n);
  }

  record Options(
      int[] sizes,
      int flightPool,
      int maxTrials,
      long syntheticBudget,
      long flightBudget,
      int threads,
      long seed,
      Path out) {
    int trials(int n, long budget) {
      return (int) Math.max(20, Math.min(maxTrials, budget / n));
    }
  }

  private FalseAlarms() {}

  static final class Synthetic implements Group {
    static final String[] CATS = {"a", "b", "c", "d", "e", "f"};
    static final double[] PROBS = {0.40, 0.25, 0.15, 0.10, 0.06, 0.04};

    @Override
    public String name() {
      return "synthetic";
    }

    @Override
    public List<String> features() {
      return List.of("normal(0,1)", "lognormal(0,1)", "categorical6");
    }

    @Override
    public boolean numeric(String feature) {
      return !feature.startsWith("categorical");
    }

    @Override
    public Map<String, Object[]> draw(long seed, int n) {
      Map<String, Object[]> out = new LinkedHashMap<>();
      int i = 0;
      for (String f : features()) {
        SplittableRandom rng = new SplittableRandom(Stats.seed(seed, i++));
        Object[] pair = new Object[2];
        for (int side = 0; side < 2; side++) {
          if (f.startsWith("normal")) {
            double[] v = new double[n];
            for (int j = 0; j < n; j++) {
              v[j] = rng.nextGaussian();
            }
            pair[side] = v;
          } else if (f.startsWith("lognormal")) {
            double[] v = new double[n];
            for (int j = 0; j < n; j++) {
              v[j] = Math.exp(rng.nextGaussian());
            }
            pair[side] = v;
          } else {
            String[] v = new String[n];
            for (int j = 0; j < n; j++) {
              double u = rng.nextDouble();
              int c = 0;
              while (c < PROBS.length - 1 && (u -= PROBS[c]) >= 0) {
                c++;
              }
              v[j] = CATS[c];
            }
            pair[side] = v;
          }
        }
        out.put(f, pair);
      }
      return out;
    }
  }

  /**
   * The generator's features, resampled: a pool of records (generator seed fixed, no drift, no
   * malformed records) is generated once and each sample draws rows uniformly with replacement, so
   * both sides of a trial come from the same distribution (the pool's) and large-n trials stay
   * cheap. Nulls (dep_delay_min ~1%, weather ~2%) are dropped, as the profiles do.
   */
  static final class Flights implements Group {
    private final int poolSize;
    private final long poolSeed;
    private final int threads;
    private volatile Map<String, Object> pool;

    Flights(int poolSize, long poolSeed, int threads) {
      this.poolSize = poolSize;
      this.poolSeed = poolSeed;
      this.threads = threads;
    }

    @Override
    public String name() {
      return "flights";
    }

    @Override
    public List<String> features() {
      return List.of("distance_km", "dep_delay_min", "dep_hour", "origin", "weather");
    }

    @Override
    public boolean numeric(String feature) {
      return FlightColumns.NUMERIC.contains(feature);
    }

    @Override
    public void prepare() {
      try {
        pool();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    // Not lazily built inside trials: a ForkJoin get() there could run sibling trials re-entrantly.
    private synchronized Map<String, Object> pool() throws Exception {
      if (pool == null) {
        long t0 = System.nanoTime();
        FlightColumns gen = new FlightColumns(poolSeed, poolSize, null);
        int chunk = 50_000;
        int chunks = (poolSize + chunk - 1) / chunk;
        ForkJoinPool fj = new ForkJoinPool(threads);
        List<String> fs = features();
        List<Object[][]> parts;
        try {
          parts =
              fj.submit(
                      () ->
                          IntStream.range(0, chunks)
                              .parallel()
                              .mapToObj(
                                  c -> {
                                    long from = (long) c * chunk;
                                    long to = Math.min(poolSize, from + chunk);
                                    Object[][] part = new Object[fs.size()][(int) (to - from)];
                                    for (long r = from; r < to; r++) {
                                      Map<String, Object> row = gen.row(r);
                                      for (int f = 0; f < fs.size(); f++) {
                                        Object v = row.get(fs.get(f));
                                        part[f][(int) (r - from)] =
                                            v instanceof String str ? str.intern() : v;
                                      }
                                    }
                                    return part;
                                  })
                              .toList())
                  .get();
        } finally {
          fj.shutdown();
        }
        Map<String, Object> cols = new LinkedHashMap<>();
        for (int f = 0; f < fs.size(); f++) {
          Object[] col = new Object[poolSize];
          int k = 0;
          for (Object[][] part : parts) {
            System.arraycopy(part[f], 0, col, k, part[f].length);
            k += part[f].length;
          }
          cols.put(fs.get(f), col);
        }
        pool = cols;
        System.out.println(
            Stats.f(
                "(flight pool: %d generated records, seed %d, %.1f s)",
                poolSize, poolSeed, (System.nanoTime() - t0) / 1e9));
      }
      return pool;
    }

    @Override
    public Map<String, Object[]> draw(long seed, int n) {
      Map<String, Object> cols;
      try {
        cols = pool();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      SplittableRandom rng = new SplittableRandom(seed);
      int[][] idx = new int[2][n];
      for (int side = 0; side < 2; side++) {
        for (int j = 0; j < n; j++) {
          idx[side][j] = rng.nextInt(poolSize);
        }
      }
      Map<String, Object[]> out = new LinkedHashMap<>();
      for (String f : features()) {
        Object[] col = (Object[]) cols.get(f);
        Object[] pair = new Object[2];
        for (int side = 0; side < 2; side++) {
          if (numeric(f)) {
            double[] v = new double[n];
            int m = 0;
            for (int j : idx[side]) {
              if (col[j] instanceof Number num) {
                v[m++] = num.doubleValue();
              }
            }
            pair[side] = Arrays.copyOf(v, m);
          } else {
            String[] v = new String[n];
            int m = 0;
            for (int j : idx[side]) {
              if (col[j] != null) {
                v[m++] = (String) col[j];
              }
            }
            pair[side] = Arrays.copyOf(v, m);
          }
        }
        out.put(f, pair);
      }
      return out;
    }
  }

  /** p-values of one trial: [feature][path]. */
  static double[][] trial(Group g, long seed, int n) {
    Map<String, Object[]> data = g.draw(seed, n);
    List<String> fs = g.features();
    double[][] p = new double[fs.size()][PATHS.length];
    for (double[] row : p) {
      Arrays.fill(row, Double.NaN);
    }
    DriftComparator comparator = new DriftComparator();
    for (int i = 0; i < fs.size(); i++) {
      String f = fs.get(i);
      Object[] pair = data.get(f);
      if (g.numeric(f)) {
        double[] a = (double[]) pair[0];
        double[] b = (double[]) pair[1];
        p[i][0] = KolmogorovSmirnov.test(a, b).pValue();
        NumericProfile ra;
        NumericProfile rb;
        synchronized (Sketches.LOCK) {
          Sketches.reseed(Stats.seed(seed, i, 77));
          ra = Sketches.profile(a);
          rb = Sketches.profile(b);
        }
        p[i][1] = prodP(comparator, f, ra, rb, DriftMetric.KS);
        p[i][2] = Sketches.pEffectiveN(ra, rb);
        p[i][3] = Sketches.pSubtractBound(ra, rb);
      } else {
        String[] a = (String[]) pair[0];
        String[] b = (String[]) pair[1];
        p[i][0] = ChiSquared.homogeneity(FlightColumns.counts(a), FlightColumns.counts(b)).pValue();
        CategoricalProfile ca = new CategoricalProfile();
        CategoricalProfile cb = new CategoricalProfile();
        for (String s : a) {
          ca.accumulate(s);
        }
        for (String s : b) {
          cb.accumulate(s);
        }
        p[i][1] = prodP(comparator, f, ca, cb, DriftMetric.CHI_SQUARED);
      }
    }
    return p;
  }

  /** The p-value the production comparator computes, through whole dataset profiles. */
  private static double prodP(
      DriftComparator c, String f, FeatureProfile a, FeatureProfile b, DriftMetric m) {
    DatasetProfile ra = new DatasetProfile(a.count(), Map.of(f, a));
    DatasetProfile rb = new DatasetProfile(b.count(), Map.of(f, b));
    FeatureDrift fd = c.compareProfiles(ra, rb, Map.of(f, FeatureOverride.of(m))).feature(f);
    if (fd.status() != FeatureDrift.Status.OK || fd.pValue() == null) {
      throw new IllegalStateException("comparison failed: " + fd);
    }
    return fd.pValue();
  }

  /** Runs every group and size; prints a table and returns CSV lines. */
  static List<String> run(Options o) throws Exception {
    List<String> csv = new ArrayList<>();
    ForkJoinPool pool = new ForkJoinPool(o.threads());
    try {
      for (Group g : List.of(new Synthetic(), new Flights(o.flightPool(), o.seed(), o.threads()))) {
        long budget = g instanceof Flights ? o.flightBudget() : o.syntheticBudget();
        g.prepare();
        System.out.println();
        System.out.println(
            Stats.f(
                "False alarms, %s: independent (reference, window) pairs of n values each;"
                    + " rate at alpha=5%% [Wilson 95%% CI] / at 1%%",
                g.name()));
        System.out.println(
            Stats.f(
                "%-15s %7s %6s | %-24s %-24s %-8s %-8s | %-7s %-7s | %s",
                "feature",
                "n",
                "trials",
                "raw 5% [CI]",
                "prod 5% [CI]",
                "effN 5%",
                "Dsub 5%",
                "raw 1%",
                "prod 1%",
                "verdict(raw/prod @5%)"));
        for (int n : o.sizes()) {
          int trials = o.trials(n, budget);
          long t0 = System.nanoTime();
          final int size = n;
          double[][][] res =
              pool.submit(
                      () ->
                          IntStream.range(0, trials)
                              .parallel()
                              .mapToObj(
                                  t ->
                                      trial(
                                          g,
                                          Stats.seed(o.seed(), g.name().hashCode(), size, t),
                                          size))
                              .toArray(double[][][]::new))
                  .get();
          double secs = (System.nanoTime() - t0) / 1e9;
          List<String> fs = g.features();
          for (int i = 0; i < fs.size(); i++) {
            String f = fs.get(i);
            String test = g.numeric(f) ? "KS" : "chi2";
            StringBuilder line = new StringBuilder(Stats.f("%-15s %7d %6d |", f, n, trials));
            String[] verdicts = new String[2];
            for (double alpha : ALPHAS) {
              for (int path = 0; path < PATHS.length; path++) {
                long k = 0;
                int valid = 0;
                for (double[][] r : res) {
                  double pv = r[i][path];
                  if (!Double.isNaN(pv)) {
                    valid++;
                    if (pv < alpha) {
                      k++;
                    }
                  }
                }
                if (valid == 0) {
                  if (alpha == ALPHAS[0] && path >= 2) {
                    line.append(Stats.f(" %-8s", "n/a"));
                  }
                  continue;
                }
                double rate = k / (double) valid;
                double[] ci = Stats.wilson(k, valid);
                csv.add(
                    Stats.csv(
                        g.name(),
                        f,
                        test,
                        n,
                        n,
                        valid,
                        PATHS[path],
                        alpha,
                        rate,
                        ci[0],
                        ci[1],
                        Stats.verdict(ci, alpha, TOLERANCE),
                        Math.abs(rate - alpha) <= TOLERANCE));
                if (alpha == ALPHAS[0]) {
                  if (path < 2) {
                    line.append(
                        Stats.f(
                            " %s [%s,%s]",
                            Stats.pct(rate), Stats.pct(ci[0]).trim(), Stats.pct(ci[1]).trim()));
                    line.append(" ".repeat(Math.max(0, 1)));
                    verdicts[path] = Stats.verdict(ci, alpha, TOLERANCE);
                  } else {
                    line.append(Stats.f(" %-8s", Stats.pct(rate)));
                  }
                } else if (path < 2) {
                  line.append(Stats.f(" %-7s", Stats.pct(rate)));
                }
              }
              if (alpha == ALPHAS[0]) {
                line.append(" |");
              }
            }
            line.append(" | ").append(verdicts[0]).append('/').append(verdicts[1]);
            System.out.println(line);
          }
          System.out.println(Stats.f("%28s(%.1f s)", "", secs));
        }
      }
    } finally {
      pool.shutdown();
    }
    return csv;
  }

  static final String CSV_HEADER =
      "group,feature,test,n_reference,n_window,trials,path,alpha,false_alarm_rate,ci95_lo,ci95_hi,"
          + "verdict_pm1pp,point_within_pm1pp";

  /**
   * KLL approximation error for n standard normals: the sup over the sample of |sketch CDF - exact
   * empirical CDF|, and the standard deviation sigma of the error at single ranks (0.1, 0.25, 0.5,
   * 0.75, 0.9 pooled), against the sketch's advertised 99% single-rank error eps. Sets the
   * effective-n n_k from the largest measured p95 sup error (the most conservative).
   */
  static List<String> sketchError(int[] sizes, int reps, long seed) {
    List<String> csv = new ArrayList<>();
    double[] ranks = {0.1, 0.25, 0.5, 0.75, 0.9};
    System.out.println();
    System.out.println(
        "KLL (k=200) error vs exact empirical CDF, "
            + reps
            + " sketches per n (independent seeds): sup over the sample (mean, p95), sd at single"
            + " ranks (sigma), advertised eps (99%, single rank)");
    System.out.println(
        Stats.f("%8s %9s %9s %9s %9s %8s", "n", "sup mean", "sup p95", "sigma", "eps", "eps/sig"));
    double minRatio = Double.POSITIVE_INFINITY;
    double maxP95 = Double.NaN;
    for (int n : sizes) {
      double[] sup = new double[reps];
      double ss = 0;
      double eps = 0;
      for (int r = 0; r < reps; r++) {
        SplittableRandom rng = new SplittableRandom(Stats.seed(seed, n, r, 5));
        double[] v = new double[n];
        for (int j = 0; j < n; j++) {
          v[j] = rng.nextGaussian();
        }
        NumericProfile p;
        synchronized (Sketches.LOCK) {
          Sketches.reseed(Stats.seed(seed, n, r, 6));
          p = Sketches.profile(v);
        }
        EmpiricalDistribution sk = p.empiricalDistribution();
        Arrays.sort(v);
        double s = 0;
        for (int j = 0; j < n; j++) {
          if (j + 1 < n && v[j + 1] == v[j]) {
            continue;
          }
          s = Math.max(s, Math.abs(sk.cdf(v[j]) - (j + 1) / (double) n));
          s = Math.max(s, Math.abs(sk.cdf(Math.nextDown(v[j])) - j / (double) n));
        }
        sup[r] = s;
        for (double q : ranks) {
          int idx = (int) Math.round(q * n) - 1;
          double e = sk.cdf(v[idx]) - (idx + 1) / (double) n;
          ss += e * e;
        }
        eps = Sketches.rankError(p);
      }
      double sigma = Math.sqrt(ss / (reps * ranks.length));
      double ratio = eps / sigma;
      if (eps > 0) {
        minRatio = Math.min(minRatio, ratio);
      }
      double mean = Stats.mean(sup);
      double p95 = Stats.quantile(sup, 0.95);
      if (eps > 0 && !(p95 <= maxP95)) {
        maxP95 = p95;
      }
      System.out.println(
          Stats.f("%8d %9.5f %9.5f %9.5f %9.5f %8.2f", n, mean, p95, sigma, eps, ratio));
      csv.add(Stats.csv(n, reps, mean, p95, sigma, eps, ratio));
    }
    if (Double.isFinite(maxP95)) {
      Sketches.setSketchN(Math.pow(Sketches.KS_CRITICAL_95 / maxP95, 2));
    }
    double eps200 = KllSketch.getNormalizedRankError(200, false);
    System.out.println(
        Stats.f(
            "effective-n proposal: a sketch counts as n_k = (1.358 / largest measured p95 sup"
                + " error)^2 = %.0f extra 'samples' of noise (C = n_k * eps^2 = %.3f; pointwise"
                + " variance matching, (eps/sigma)^2/4 = %.3f, would give n_k = %.0f)",
            Sketches.sketchN(),
            Sketches.sketchN() * eps200 * eps200,
            0.25 * minRatio * minRatio,
            0.25 * minRatio * minRatio / (eps200 * eps200)));
    return csv;
  }
}
