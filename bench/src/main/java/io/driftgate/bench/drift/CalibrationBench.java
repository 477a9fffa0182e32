package io.driftgate.bench.drift;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Drift calibration benchmark: false-alarm rates of the p-value tests on stationary data (raw and
 * through the production profile path), KLL sketch error, and detection delays on the flight
 * generator with abrupt and gradual drift, and the image and text metrics on stationary and drifted
 * synthetic streams. Prints tables and writes {@code calibration.csv}, {@code kll-error.csv} and
 * {@code detection-delay.csv} to {@code --out} (default {@code bench/target}).
 *
 * <p>Flags (defaults in brackets): {@code --sizes 100,1000,10000,100000}, {@code --trials 1000}
 * (cap per size), {@code --synthetic-budget 5000000} and {@code --flight-budget 2500000} (values
 * per side per size: trials = min(cap, budget / n), at least 20), {@code --threads 2}, {@code
 * --seed 20240601}, {@code --delay-seeds 5}, {@code --kll-sizes 1000,10000,100000}, {@code
 * --skip-false-alarms}, {@code --skip-delay}, {@code --flight-pool 500000} (generated flight
 * records the flight samples are drawn from), {@code --full} (cap 5000, budgets 1e8, pool 4e6, KLL
 * error up to n=1e6), {@code --media-trials 1000} and {@code --media-n 300} (image and text
 * metrics: trials per stream and records per window, {@link UnstructuredCalibration}; written to
 * {@code unstructured.csv}), {@code --media-streams stationary} (only the streams whose name
 * contains one of these comma-separated parts), {@code --skip-unstructured}.
 */
public final class CalibrationBench {
  private CalibrationBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = parse(args);
    boolean full = a.containsKey("full");
    int[] sizes =
        Arrays.stream(a.getOrDefault("sizes", "100,1000,10000,100000").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    long seed = Long.parseLong(a.getOrDefault("seed", "20240601"));
    int threads = Integer.parseInt(a.getOrDefault("threads", "2"));
    Path out = Path.of(a.getOrDefault("out", "bench/target"));
    FalseAlarms.Options o =
        new FalseAlarms.Options(
            sizes,
            Integer.parseInt(a.getOrDefault("flight-pool", full ? "4000000" : "500000")),
            Integer.parseInt(a.getOrDefault("trials", full ? "5000" : "1000")),
            Long.parseLong(a.getOrDefault("synthetic-budget", full ? "100000000" : "5000000")),
            Long.parseLong(a.getOrDefault("flight-budget", full ? "100000000" : "2500000")),
            threads,
            seed,
            out);
    System.out.println(
        "driftgate drift calibration; seed "
            + seed
            + ", KLL compaction "
            + (Sketches.seeded() ? "seeded (reproducible)" : "UNSEEDED"));
    long t0 = System.nanoTime();
    if (!a.containsKey("skip-false-alarms")) {
      int[] kllSizes =
          Arrays.stream(
                  a.getOrDefault(
                          "kll-sizes", full ? "1000,10000,100000,1000000" : "1000,10000,100000")
                      .split(","))
              .mapToInt(Integer::parseInt)
              .toArray();
      var err = FalseAlarms.sketchError(kllSizes, full ? 200 : 60, seed);
      Stats.writeCsv(
          out.resolve("kll-error.csv"),
          "n,sketches,sup_err_mean,sup_err_p95,sigma_single_rank,eps99,eps_over_sigma",
          err);
      var lines = FalseAlarms.run(o);
      Stats.writeCsv(out.resolve("calibration.csv"), FalseAlarms.CSV_HEADER, lines);
    }
    if (!a.containsKey("skip-delay")) {
      int delaySeeds = Integer.parseInt(a.getOrDefault("delay-seeds", "5"));
      var lines = DetectionDelay.run(delaySeeds, seed, threads);
      Stats.writeCsv(out.resolve("detection-delay.csv"), DetectionDelay.CSV_HEADER, lines);
    }
    if (!a.containsKey("skip-unstructured")) {
      var lines =
          UnstructuredCalibration.run(
              Integer.parseInt(a.getOrDefault("media-n", "300")),
              Integer.parseInt(a.getOrDefault("media-trials", full ? "2000" : "1000")),
              seed,
              threads,
              a.getOrDefault("media-streams", ""));
      Stats.writeCsv(out.resolve("unstructured.csv"), UnstructuredCalibration.CSV_HEADER, lines);
    }
    System.out.println(
        Stats.f("%ndone in %.1f s; CSVs in %s", (System.nanoTime() - t0) / 1e9, out));
  }

  static Map<String, String> parse(String[] args) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + args[i]);
      }
      String k = args[i].substring(2);
      if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        m.put(k, args[++i]);
      } else {
        m.put(k, "true");
      }
    }
    return m;
  }
}
