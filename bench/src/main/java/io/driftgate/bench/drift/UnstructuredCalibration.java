package io.driftgate.bench.drift;

import io.driftgate.core.drift.DriftComparator;
import io.driftgate.core.drift.FeatureDrift;
import io.driftgate.core.drift.FeatureOverride;
import io.driftgate.core.drift.metrics.DriftMetric;
import io.driftgate.core.drift.profile.FeatureProfile;
import io.driftgate.core.drift.profile.ImageShape;
import io.driftgate.core.drift.profile.ProfileBuilder;
import io.driftgate.core.drift.profile.ProfiledFeature;
import io.driftgate.testkit.generate.ImageStreamGenerator;
import io.driftgate.testkit.generate.TextStreamGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * The image and text drift metrics on the production path ({@link ProfileBuilder} per window,
 * {@link DriftComparator} per metric), over many seeds: each trial profiles an independent
 * reference and current window of n records. On stationary streams the MMD test's false-alarm rate
 * must lie within alpha ± 2 points (Wilson interval reported) and the distances' false-alarm rate
 * at their default threshold is reported with their 95th/99th percentiles; on drifted streams
 * (images rotated and noised, a text topic-mix shift) the share of trials that detect it.
 */
final class UnstructuredCalibration {
  static final String CSV_HEADER =
      "modality,stream,metric,n,trials,threshold,alarms,rate,ci_lo,ci_hi,score_p50,score_p95,score_p99";
  static final double TOLERANCE = 0.02;

  /**
   * False-alarm rate the calibrated distances' default thresholds aim at on the stationary streams
   * (their defaults are the stationary 95th percentile at n = {@link #CALIBRATED_N}, the same alpha
   * as the tests).
   */
  static final double DISTANCE_ALPHA = 0.05;

  /** Window size (records per side) the calibrated distances' defaults were set at. */
  static final int CALIBRATED_N = 300;

  /** Distances whose default threshold is calibrated to {@link #DISTANCE_ALPHA}. */
  static final java.util.Set<DriftMetric> CALIBRATED =
      java.util.EnumSet.of(DriftMetric.TOKEN_JS, DriftMetric.OOV_RATE);

  static final int SIDE = 28;
  static final ImageShape SHAPE = new ImageShape(1, SIDE, SIDE, false, false);

  private UnstructuredCalibration() {}

  record Stream(String modality, String name, Object generator) {}

  static List<Stream> streams() {
    return List.of(
        new Stream("image", "stationary", ImageStreamGenerator.stationary(SIDE)),
        new Stream("image", "rotated 25deg", new ImageStreamGenerator(SIDE, 25, 0)),
        new Stream("image", "noise sd 0.1", new ImageStreamGenerator(SIDE, 0, 0.1)),
        new Stream("text", "stationary", TextStreamGenerator.even()),
        new Stream(
            "text", "topic mix 40/20/20/20", new TextStreamGenerator(new double[] {4, 2, 2, 2})),
        new Stream(
            "text", "topic mix 70/10/10/10", new TextStreamGenerator(new double[] {7, 1, 1, 1})));
  }

  static List<DriftMetric> metrics(String modality) {
    return modality.equals("image")
        ? List.of(DriftMetric.MMD, DriftMetric.INTENSITY)
        : List.of(
            DriftMetric.MMD, DriftMetric.TOKEN_JS, DriftMetric.TEXT_LENGTH, DriftMetric.OOV_RATE);
  }

  static FeatureProfile profile(String modality, Object generator, long seed, int n) {
    ProfiledFeature f =
        modality.equals("image") ? ProfiledFeature.image("x", SHAPE) : ProfiledFeature.text("x");
    ProfileBuilder b = new ProfileBuilder(List.of(f));
    for (int i = 0; i < n; i++) {
      Object v =
          generator instanceof ImageStreamGenerator g
              ? g.image(seed, i).raw()
              : ((TextStreamGenerator) generator).text(seed, i).text();
      b.accept(Map.of("x", v));
    }
    return b.build().features().get("x");
  }

  /** Runs {@code trials} seeds per stream at window size {@code n}; returns CSV lines. */
  static List<String> run(int n, int trials, long seed, int threads) throws Exception {
    return run(n, trials, seed, threads, "");
  }

  /**
   * As {@link #run(int, int, long, int)}, on the streams whose name contains one of the
   * comma-separated {@code streamFilter} parts (empty: all), e.g. {@code stationary}.
   */
  static List<String> run(int n, int trials, long seed, int threads, String streamFilter)
      throws Exception {
    List<String> parts =
        java.util.Arrays.stream(streamFilter.split(",")).filter(x -> !x.isBlank()).toList();
    List<String> lines = new ArrayList<>();
    System.out.println(
        Stats.f(
            "%nimage/text drift: %d trials per stream, n=%d per window, production path;"
                + " tests within alpha +- %.0f points",
            trials, n, TOLERANCE * 100));
    System.out.println(
        Stats.f(
            "%-6s %-22s %-12s %9s %7s %7s  %-17s %9s %9s  %s",
            "kind",
            "stream",
            "metric",
            "threshold",
            "alarms",
            "rate",
            "95% Wilson",
            "p95",
            "p99",
            "verdict"));
    DriftComparator comparator = new DriftComparator();
    ForkJoinPool pool = new ForkJoinPool(threads);
    try {
      for (Stream s : streams()) {
        if (!parts.isEmpty() && parts.stream().noneMatch(x -> s.name().contains(x.trim()))) {
          continue;
        }
        List<DriftMetric> ms = metrics(s.modality());
        double[][] scores = new double[ms.size()][trials];
        boolean[][] alarms = new boolean[ms.size()][trials];
        pool.submit(
                () ->
                    IntStream.range(0, trials)
                        .parallel()
                        .forEach(
                            t -> {
                              long base = Stats.seed(seed, t);
                              // the reference is always the stationary stream
                              Object refGen =
                                  s.modality().equals("image")
                                      ? ImageStreamGenerator.stationary(SIDE)
                                      : TextStreamGenerator.even();
                              FeatureProfile ref = profile(s.modality(), refGen, base, n);
                              FeatureProfile cur =
                                  profile(s.modality(), s.generator(), base + 1, n);
                              for (int m = 0; m < ms.size(); m++) {
                                FeatureDrift d =
                                    comparator.compareFeature(
                                        "x", ref, cur, FeatureOverride.of(ms.get(m)));
                                scores[m][t] =
                                    ms.get(m).isStatisticalTest() ? d.pValue() : d.score();
                                alarms[m][t] = d.drifted();
                              }
                            }))
            .get();
        for (int m = 0; m < ms.size(); m++) {
          DriftMetric metric = ms.get(m);
          long k = 0;
          for (boolean a : alarms[m]) {
            k += a ? 1 : 0;
          }
          double[] ci = Stats.wilson(k, trials);
          double rate = (double) k / trials;
          boolean stationary = s.name().equals("stationary");
          String verdict =
              !stationary
                  ? "detection"
                  : metric.isStatisticalTest()
                      ? Stats.verdict(ci, metric.defaultThreshold(), TOLERANCE)
                      : CALIBRATED.contains(metric) && n == CALIBRATED_N
                          ? Stats.verdict(ci, DISTANCE_ALPHA, TOLERANCE)
                          : "false alarms at default threshold";
          System.out.println(
              Stats.f(
                  "%-6s %-22s %-12s %9s %7d %7s  [%6s, %6s] %9.4f %9.4f  %s",
                  s.modality(),
                  s.name(),
                  metric.specName(),
                  (metric.isStatisticalTest() ? "p<" : ">=") + metric.defaultThreshold(),
                  k,
                  Stats.pct(rate),
                  Stats.pct(ci[0]),
                  Stats.pct(ci[1]),
                  Stats.quantile(scores[m], 0.95),
                  Stats.quantile(scores[m], 0.99),
                  verdict));
          lines.add(
              Stats.csv(
                  s.modality(),
                  s.name(),
                  metric.specName(),
                  n,
                  trials,
                  metric.defaultThreshold(),
                  k,
                  rate,
                  ci[0],
                  ci[1],
                  Stats.quantile(scores[m], 0.5),
                  Stats.quantile(scores[m], 0.95),
                  Stats.quantile(scores[m], 0.99)));
        }
      }
    } finally {
      pool.shutdown();
    }
    return lines;
  }
}
