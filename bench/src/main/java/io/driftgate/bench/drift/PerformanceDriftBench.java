package io.driftgate.bench.drift;

import io.driftgate.core.drift.DriftComparator;
import io.driftgate.core.drift.DriftResult;
import io.driftgate.core.drift.profile.DatasetProfile;
import io.driftgate.core.drift.profile.ProfiledFeature;
import io.driftgate.core.performance.ChangeDetector;
import io.driftgate.core.performance.ChangeDetectors;
import io.driftgate.core.policy.PolicyConfig;
import io.driftgate.core.policy.RetrainDecision;
import io.driftgate.core.policy.RetrainPolicy;
import io.driftgate.core.policy.WindowObservation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Performance drift vs input drift on standard synthetic concept-drift streams.
 *
 * <p>Streams (generated here, seeded): <b>SEA concepts</b> (Street &amp; Kim, KDD 2001: x1..x3 ~
 * U[0, 10], label = x1 + x2 ≤ θ, 10% class noise; the concept switches from θ = 8 to θ = 7 at the
 * change point) and a <b>rotating hyperplane</b> (Hulten, Spencer &amp; Domingos, KDD 2001: 10
 * features ~ U[0, 1], label = Σ wᵢxᵢ ≥ ½ Σ wᵢ, 5% class noise; from the change point the weights of
 * 5 features move by ±{@value #HYPERPLANE_SPEED} per record, each turning back with probability 10%
 * every 10,000 records), each also without a change (the control for false alarms). Only the label
 * relation changes: the features' distribution stays the same, as in concept drift.
 *
 * <p>The champion is the classifier that is exactly right for the first concept; its per-record 0/1
 * error goes to ADWIN and Page-Hinkley. The input-drift monitor (the streaming job's: {@link
 * DriftComparator} with automatic metrics on windows of {@code window} records against a reference
 * of the first 20,000, drifted share ≥ 0.5 two windows in a row through {@link RetrainPolicy})
 * watches the same records' features.
 *
 * <p>Reported per (stream, detector): detection delay = records from the change point to the first
 * alarm after it (median, min..max over seeds; "missed" when none before the end), false alarms per
 * 10⁶ records = alarms before the change point (or anywhere in the control stream) per 10⁶ of those
 * records.
 *
 * <p>{@code bench/run drift.PerformanceDriftBench [seeds=10] [records=200000] [window=5000]}
 */
public final class PerformanceDriftBench {
  static final double HYPERPLANE_SPEED = 1e-4;
  static final int REFERENCE = 20_000;

  /** A labelled record: features and the label of the current concept. */
  record Rec(double[] x, int label) {}

  /** A stream that knows the first concept's right answer. */
  interface Stream {
    Rec next();

    /** The champion: right for the first concept, noise aside. */
    int champion(double[] x);

    List<ProfiledFeature> features();
  }

  static final class Sea implements Stream {
    private final SplittableRandom rnd;
    private final long changeAt;
    private long i;

    Sea(long seed, long changeAt) {
      this.rnd = new SplittableRandom(seed);
      this.changeAt = changeAt;
    }

    @Override
    public Rec next() {
      double[] x = {rnd.nextDouble() * 10, rnd.nextDouble() * 10, rnd.nextDouble() * 10};
      double theta = i++ < changeAt ? 8 : 7;
      int y = x[0] + x[1] <= theta ? 1 : 0;
      if (rnd.nextDouble() < 0.10) {
        y = 1 - y;
      }
      return new Rec(x, y);
    }

    @Override
    public int champion(double[] x) {
      return x[0] + x[1] <= 8 ? 1 : 0;
    }

    @Override
    public List<ProfiledFeature> features() {
      return List.of(
          ProfiledFeature.numeric("x1"),
          ProfiledFeature.numeric("x2"),
          ProfiledFeature.numeric("x3"));
    }
  }

  static final class Hyperplane implements Stream {
    static final int D = 10;
    static final int DRIFTING = 5;
    private final SplittableRandom rnd;
    private final long changeAt;
    private final double[] w0 = new double[D];
    private final double[] w = new double[D];
    private final double[] dir = new double[D];
    private long i;

    Hyperplane(long seed, long changeAt) {
      this.rnd = new SplittableRandom(seed);
      this.changeAt = changeAt;
      for (int k = 0; k < D; k++) {
        w0[k] = rnd.nextDouble();
        w[k] = w0[k];
        dir[k] = k < DRIFTING ? 1 : 0;
      }
    }

    @Override
    public Rec next() {
      double[] x = new double[D];
      for (int k = 0; k < D; k++) {
        x[k] = rnd.nextDouble();
      }
      int y = side(w, x);
      if (rnd.nextDouble() < 0.05) {
        y = 1 - y;
      }
      if (i++ >= changeAt) {
        for (int k = 0; k < DRIFTING; k++) {
          w[k] += dir[k] * HYPERPLANE_SPEED;
        }
        if ((i - changeAt) % 10_000 == 0) {
          for (int k = 0; k < DRIFTING; k++) {
            if (rnd.nextDouble() < 0.10) {
              dir[k] = -dir[k];
            }
          }
        }
      }
      return new Rec(x, y);
    }

    static int side(double[] w, double[] x) {
      double s = 0;
      double half = 0;
      for (int k = 0; k < w.length; k++) {
        s += w[k] * x[k];
        half += w[k] / 2;
      }
      return s >= half ? 1 : 0;
    }

    @Override
    public int champion(double[] x) {
      return side(w0, x);
    }

    @Override
    public List<ProfiledFeature> features() {
      List<ProfiledFeature> f = new ArrayList<>();
      for (int k = 0; k < D; k++) {
        f.add(ProfiledFeature.numeric("x" + (k + 1)));
      }
      return f;
    }
  }

  record Scenario(String name, boolean hyperplane, boolean change) {
    Stream open(long seed, long changeAt) {
      long at = change ? changeAt : Long.MAX_VALUE;
      return hyperplane ? new Hyperplane(seed, at) : new Sea(seed, at);
    }
  }

  static final List<Scenario> SCENARIOS =
      List.of(
          new Scenario("SEA 8->7 (abrupt)", false, true),
          new Scenario("SEA, no change", false, false),
          new Scenario("hyperplane (gradual)", true, true),
          new Scenario("hyperplane, no change", true, false));

  static final List<String> DETECTORS = List.of("adwin", "page-hinkley", "input-drift");

  /** Alarms of one detector on one stream. */
  record Outcome(long falseAlarms, long cleanRecords, long delay) {}

  static Map<String, Outcome> simulate(Scenario sc, long seed, long records, int window) {
    long changeAt = records / 2;
    Stream s = sc.open(seed, changeAt);
    long cleanRecords = sc.change() ? changeAt : records;
    Map<String, ChangeDetector> detectors = new LinkedHashMap<>();
    detectors.put("adwin", ChangeDetectors.create("adwin", Map.of("delta", 0.002)));
    detectors.put("page-hinkley", ChangeDetectors.create("page-hinkley", Map.of()));
    Map<String, long[]> stats = new HashMap<>(); // falseAlarms, firstAlarmAfterChange
    for (String d : DETECTORS) {
      stats.put(d, new long[] {0, -1});
    }
    List<ProfiledFeature> fs = s.features();
    RetrainPolicy policy =
        new RetrainPolicy(new PolicyConfig(0.5, Set.of(), 2, 0, null, Duration.ZERO, 1));
    DriftComparator comparator = new DriftComparator();
    DatasetProfile reference = null;
    List<Map<String, Object>> rows = new ArrayList<>(window);
    long windowIndex = 0;
    for (long i = 0; i < records; i++) {
      Rec r = s.next();
      double error = s.champion(r.x()) == r.label() ? 0 : 1;
      for (Map.Entry<String, ChangeDetector> e : detectors.entrySet()) {
        if (e.getValue().add(error).isPresent()) {
          record(stats.get(e.getKey()), i, sc.change(), changeAt);
        }
      }
      Map<String, Object> row = new HashMap<>();
      for (int k = 0; k < fs.size(); k++) {
        row.put(fs.get(k).name(), r.x()[k]);
      }
      rows.add(row);
      if (reference == null && rows.size() == REFERENCE) {
        reference = DetectionDelay.profile(fs, rows, Stats.seed(seed, -1));
        rows.clear();
      } else if (reference != null && rows.size() == window) {
        DriftResult d =
            comparator.compareProfiles(
                reference,
                DetectionDelay.profile(fs, rows, Stats.seed(seed, windowIndex)),
                Map.of());
        double share =
            d.evaluatedCount() == 0 ? 0 : d.driftedFeatures().size() / (double) d.evaluatedCount();
        Instant start = Instant.ofEpochSecond(i + 1 - window);
        Instant end = Instant.ofEpochSecond(i + 1);
        Optional<RetrainDecision> dec =
            policy.onWindow(
                new WindowObservation(
                    "bench", start, end, "w" + windowIndex, share, d.driftedFeatures(), window));
        if (dec.isPresent() && !dec.get().isSuppressed()) {
          record(stats.get("input-drift"), i, sc.change(), changeAt);
          policy.onRunFinished(dec.get().idempotencyKey(), end);
        }
        windowIndex++;
        rows.clear();
      }
    }
    Map<String, Outcome> out = new LinkedHashMap<>();
    for (String d : DETECTORS) {
      long[] st = stats.get(d);
      out.put(d, new Outcome(st[0], cleanRecords, st[1] < 0 ? -1 : st[1] - changeAt + 1));
    }
    return out;
  }

  private static void record(long[] st, long i, boolean change, long changeAt) {
    if (!change || i < changeAt) {
      st[0]++;
    } else if (st[1] < 0) {
      st[1] = i;
    }
  }

  public static void main(String[] args) throws IOException {
    int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    long records = args.length > 1 ? Long.parseLong(args[1]) : 200_000;
    int window = args.length > 2 ? Integer.parseInt(args[2]) : 5_000;
    Path out = Path.of("bench/target");
    Files.createDirectories(out);
    System.out.printf(
        "Performance drift vs input drift: %d seeds, %,d records per stream (change at %,d),"
            + " input-drift windows of %,d records after a %,d-record reference%n",
        seeds, records, records / 2, window, REFERENCE);
    System.out.printf(
        "%-24s %-13s %28s %10s %22s%n",
        "stream", "detector", "delay: median [min..max]", "missed", "false alarms / 1e6");
    List<String> csv = new ArrayList<>();
    csv.add("stream,detector,seed,delay_records,false_alarms,clean_records");
    for (Scenario sc : SCENARIOS) {
      Map<String, List<Outcome>> bySeed = new LinkedHashMap<>();
      for (int s = 0; s < seeds; s++) {
        long seed = Stats.seed(20_071, s);
        simulate(sc, seed, records, window)
            .forEach(
                (d, o) -> {
                  bySeed.computeIfAbsent(d, k -> new ArrayList<>()).add(o);
                  csv.add(
                      String.join(
                          ",",
                          sc.name(),
                          d,
                          Long.toString(seed),
                          Long.toString(o.delay()),
                          Long.toString(o.falseAlarms()),
                          Long.toString(o.cleanRecords())));
                });
      }
      for (Map.Entry<String, List<Outcome>> e : bySeed.entrySet()) {
        List<Outcome> os = e.getValue();
        double[] delays =
            os.stream().filter(o -> o.delay() >= 0).mapToDouble(Outcome::delay).sorted().toArray();
        long missed = sc.change() ? os.stream().filter(o -> o.delay() < 0).count() : 0;
        long fa = os.stream().mapToLong(Outcome::falseAlarms).sum();
        long clean = os.stream().mapToLong(Outcome::cleanRecords).sum();
        String delay =
            !sc.change()
                ? "-"
                : delays.length == 0
                    ? "none"
                    : String.format(
                        "%,.0f [%,.0f..%,.0f]",
                        Stats.quantile(delays, 0.5), delays[0], delays[delays.length - 1]);
        System.out.printf(
            "%-24s %-13s %28s %10s %22.1f%n",
            sc.name(),
            e.getKey(),
            delay,
            sc.change() ? missed + "/" + os.size() : "-",
            fa * 1e6 / clean);
      }
    }
    Files.write(out.resolve("performance-drift.csv"), csv);
    System.out.println("per-seed rows: " + out.resolve("performance-drift.csv"));
  }
}
