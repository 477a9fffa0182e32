package io.driftgate.bench.drift;

import io.driftgate.core.dataset.DatasetFiles;
import io.driftgate.core.drift.DriftComparator;
import io.driftgate.core.drift.DriftResult;
import io.driftgate.core.drift.FeatureDrift;
import io.driftgate.core.drift.FeatureOverride;
import io.driftgate.core.drift.metrics.DriftMetric;
import io.driftgate.core.drift.profile.DatasetProfile;
import io.driftgate.core.drift.profile.NumericProfile;
import io.driftgate.core.drift.profile.ProfileBuilder;
import io.driftgate.core.drift.profile.ProfiledFeature;
import io.driftgate.core.drift.profile.ProfiledKind;
import io.driftgate.core.policy.PolicyConfig;
import io.driftgate.core.policy.RetrainDecision;
import io.driftgate.core.policy.RetrainPolicy;
import io.driftgate.core.policy.WindowObservation;
import io.driftgate.core.spec.DriftSpec;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.testkit.generate.DriftConfig;
import io.driftgate.testkit.generate.GeneratorConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;

/**
 * Detection delay on the flight generator: reference = the first {@code referenceRecords} valid
 * records (spec default 20000), then windows of W records; the drift starts {@value #PRE_WINDOWS}
 * windows after the reference. Each window is profiled and compared with the reference under
 * several metric configurations; the window's drifted share and drifted features go to a {@link
 * RetrainPolicy} configured from the spec's {@code drift} section (driftedShare,
 * consecutiveWindows, criticalFeatures; no cooldown, no volume or age trigger).
 */
final class DetectionDelay {
  static final int PRE_WINDOWS = 10;
  static final String SPEC = "examples/flight-delay/driftgate.yaml";

  record Scenario(String name, double featureShift, long ramp) {
    DriftConfig drift(long startAt) {
      return ramp == 0
          ? DriftConfig.abrupt(startAt, featureShift, 0.5)
          : DriftConfig.gradual(startAt, ramp, featureShift, 0.5);
    }
  }

  static final List<Scenario> SCENARIOS =
      List.of(
          new Scenario("abrupt fs=1", 1.0, 0),
          new Scenario("abrupt fs=0.25", 0.25, 0),
          new Scenario("gradual fs=1 ramp=20k", 1.0, 20_000));
  static final int[] WINDOWS = {1000, 5000};
  static final List<String> CONFIGS = List.of("auto", "tests", "tests+effN", "psi");

  /** Outcome of one (scenario, W, config, seed). */
  record Run(
      String scenario,
      int w,
      String config,
      long seed,
      int preWindows,
      int preFlagged,
      int preFeatureFlags,
      int features,
      int falseTriggers,
      int firstFlag,
      int firstTrigger,
      double meanPostShare,
      Map<String, Integer> featureFirstFlag,
      long startAt,
      long onsetWindowStart) {}

  private DetectionDelay() {}

  static Map<String, FeatureOverride> overrides(String config, List<ProfiledFeature> fs) {
    Map<String, FeatureOverride> m = new HashMap<>();
    for (ProfiledFeature f : fs) {
      boolean num = f.kind() == ProfiledKind.NUMERIC;
      switch (config) {
        case "tests", "tests+effN" ->
            m.put(
                f.name(), FeatureOverride.of(num ? DriftMetric.KS : DriftMetric.CHI_SQUARED, 0.05));
        case "psi" -> m.put(f.name(), FeatureOverride.of(DriftMetric.PSI, 0.1));
        default -> {
          // automatic choice
        }
      }
    }
    return m;
  }

  static DatasetProfile profile(
      List<ProfiledFeature> fs, List<Map<String, Object>> rows, long kllSeed) {
    synchronized (Sketches.LOCK) {
      Sketches.reseed(kllSeed);
      ProfileBuilder b = new ProfileBuilder(fs);
      b.acceptAll(rows);
      return b.build();
    }
  }

  static List<Run> simulate(ModelSpec spec, Scenario sc, int w, long seed) {
    DriftSpec ds = spec.drift();
    List<ProfiledFeature> fs = DatasetFiles.features(spec);
    long refN = ds.referenceRecords();
    long startAt = refN + (long) PRE_WINDOWS * w;
    int postWindows = (int) Math.max(20, (sc.ramp() + 20_000) / w);
    int windows = PRE_WINDOWS + postWindows;
    long total = refN + (long) windows * w;
    FlightColumns gen = new FlightColumns(seed, total, sc.drift(startAt));
    DatasetProfile ref = profile(fs, gen.rows(0, refN), Stats.seed(seed, -1));
    PolicyConfig pc =
        new PolicyConfig(
            ds.driftedShare(),
            Set.copyOf(ds.criticalFeatures()),
            ds.consecutiveWindows(),
            0,
            null,
            Duration.ZERO,
            1);
    Map<String, RetrainPolicy> policies = new LinkedHashMap<>();
    Map<String, int[]> counters = new LinkedHashMap<>(); // preFlagged, preFeat, falseTrig
    Map<String, Integer> firstFlag = new HashMap<>();
    Map<String, Integer> firstTrigger = new HashMap<>();
    Map<String, double[]> postShare = new HashMap<>();
    Map<String, Map<String, Integer>> featFirst = new HashMap<>();
    for (String c : CONFIGS) {
      policies.put(c, new RetrainPolicy(pc));
      counters.put(c, new int[3]);
      postShare.put(c, new double[1]);
      featFirst.put(c, new LinkedHashMap<>());
    }
    DriftComparator comparator = new DriftComparator();
    long t0 = GeneratorConfig.DEFAULT_START_TIME_MILLIS;
    for (int j = 0; j < windows; j++) {
      long from = refN + (long) j * w;
      DatasetProfile cur = profile(fs, gen.rows(from, from + w), Stats.seed(seed, j));
      Instant ws = Instant.ofEpochMilli(t0 + from * 1000);
      Instant we = Instant.ofEpochMilli(t0 + (from + w) * 1000);
      int rel = j - PRE_WINDOWS; // 0 = first window after onset
      for (String c : CONFIGS) {
        DriftResult r = comparator.compareProfiles(ref, cur, overrides(c, fs));
        Set<String> drifted = new HashSet<>(r.driftedFeatures());
        int evaluated = r.evaluatedCount();
        if (c.equals("tests+effN")) {
          drifted.clear();
          for (FeatureDrift fd : r.features()) {
            boolean d = fd.drifted();
            if (fd.kind() == ProfiledKind.NUMERIC && fd.status() == FeatureDrift.Status.OK) {
              d =
                  Sketches.pEffectiveN(
                          (NumericProfile) ref.features().get(fd.feature()),
                          (NumericProfile) cur.features().get(fd.feature()))
                      < 0.05;
            }
            if (d) {
              drifted.add(fd.feature());
            }
          }
        }
        double share = evaluated == 0 ? 0 : drifted.size() / (double) evaluated;
        boolean flagged = share >= ds.driftedShare();
        int[] cnt = counters.get(c);
        if (rel < 0) {
          cnt[0] += flagged ? 1 : 0;
          cnt[1] += drifted.size();
        } else {
          postShare.get(c)[0] += share / postWindows;
          if (flagged) {
            firstFlag.putIfAbsent(c, rel);
          }
          for (String f : drifted) {
            featFirst.get(c).putIfAbsent(f, rel);
          }
        }
        RetrainPolicy pol = policies.get(c);
        Optional<RetrainDecision> d =
            pol.onWindow(
                new WindowObservation(spec.model(), ws, we, c + "-" + j, share, drifted, (long) w));
        if (d.isPresent() && !d.get().isSuppressed()) {
          if (rel < 0) {
            cnt[2]++;
          } else {
            firstTrigger.putIfAbsent(c, rel);
          }
          pol.onRunFinished(d.get().idempotencyKey(), we);
        }
      }
    }
    List<Run> out = new ArrayList<>();
    for (String c : CONFIGS) {
      int[] cnt = counters.get(c);
      out.add(
          new Run(
              sc.name(),
              w,
              c,
              seed,
              PRE_WINDOWS,
              cnt[0],
              cnt[1],
              fs.size(),
              cnt[2],
              firstFlag.getOrDefault(c, -1),
              firstTrigger.getOrDefault(c, -1),
              postShare.get(c)[0],
              featFirst.get(c),
              startAt,
              refN + (long) PRE_WINDOWS * w));
    }
    return out;
  }

  static final String CSV_HEADER =
      "scenario,window_records,config,seed,pre_windows,pre_windows_flagged,pre_feature_flags,"
          + "features,false_triggers,first_flag_delay_windows,first_flag_delay_records,"
          + "trigger_delay_windows,trigger_delay_records,mean_post_drifted_share,"
          + "feature_first_flag_windows";

  /** Delay in records from onset to the end of window {@code rel} (relative to the onset). */
  static long records(int rel, int w) {
    return rel < 0 ? -1 : (long) (rel + 1) * w;
  }

  static List<String> run(int seeds, long baseSeed, int threads) throws Exception {
    ModelSpec spec = SpecLoader.load(Path.of(SPEC));
    DriftSpec ds = spec.drift();
    System.out.println();
    System.out.println(
        Stats.f(
            "Detection delay (flight generator, %s): reference = first %d records, %d clean"
                + " windows, then drift; window flagged when drifted share >= %.2f; retrain"
                + " request after %d flagged windows in a row (RetrainPolicy). %d seeds;"
                + " delays are medians [min..max] over seeds, in windows after onset (0 = the"
                + " first drifted window) and records (onset -> end of that window).",
            SPEC,
            ds.referenceRecords(),
            PRE_WINDOWS,
            ds.driftedShare(),
            ds.consecutiveWindows(),
            seeds));
    List<Object[]> tasks = new ArrayList<>();
    for (Scenario sc : SCENARIOS) {
      for (int w : WINDOWS) {
        for (int s = 0; s < seeds; s++) {
          tasks.add(new Object[] {sc, w, Stats.seed(baseSeed, 31, s)});
        }
      }
    }
    ForkJoinPool pool = new ForkJoinPool(threads);
    List<List<Run>> results;
    try {
      results =
          pool.submit(
                  () ->
                      tasks.parallelStream()
                          .map(t -> simulate(spec, (Scenario) t[0], (int) t[1], (long) t[2]))
                          .toList())
              .get();
    } finally {
      pool.shutdown();
    }
    List<Run> all = results.stream().flatMap(List::stream).toList();
    List<String> csv = new ArrayList<>();
    for (Run r : all) {
      csv.add(
          Stats.csv(
              r.scenario(),
              r.w(),
              r.config(),
              r.seed(),
              r.preWindows(),
              r.preFlagged(),
              r.preFeatureFlags(),
              r.features(),
              r.falseTriggers(),
              r.firstFlag(),
              records(r.firstFlag(), r.w()),
              r.firstTrigger(),
              records(r.firstTrigger(), r.w()),
              r.meanPostShare(),
              r.featureFirstFlag().toString().replace(", ", ";")));
    }
    System.out.println(
        Stats.f(
            "%-22s %5s %-10s | %-10s %-8s | %-17s %-17s | %-6s | %s",
            "scenario",
            "W",
            "config",
            "pre flag w",
            "pre feat",
            "first flag w(rec)",
            "retrain w(rec)",
            "share",
            "per-feature first flag (median windows; - = never)"));
    for (Scenario sc : SCENARIOS) {
      for (int w : WINDOWS) {
        for (String c : CONFIGS) {
          List<Run> rs =
              all.stream()
                  .filter(r -> r.scenario().equals(sc.name()) && r.w() == w && r.config().equals(c))
                  .toList();
          int pre = rs.stream().mapToInt(Run::preWindows).sum();
          int preFlag = rs.stream().mapToInt(Run::preFlagged).sum();
          int preFeat = rs.stream().mapToInt(Run::preFeatureFlags).sum();
          int featTotal = rs.stream().mapToInt(r -> r.preWindows() * r.features()).sum();
          int falseTrig = rs.stream().mapToInt(Run::falseTriggers).sum();
          String flag = delay(rs.stream().mapToInt(Run::firstFlag).toArray(), w);
          String trig = delay(rs.stream().mapToInt(Run::firstTrigger).toArray(), w);
          double share = rs.stream().mapToDouble(Run::meanPostShare).average().orElse(0);
          StringBuilder per = new StringBuilder();
          for (ProfiledFeature f : DatasetFiles.features(spec)) {
            int[] d =
                rs.stream()
                    .mapToInt(r -> r.featureFirstFlag().getOrDefault(f.name(), -1))
                    .toArray();
            per.append(abbrev(f.name())).append(':').append(median(d)).append(' ');
          }
          System.out.println(
              Stats.f(
                  "%-22s %5d %-10s | %4d/%-5d %3d/%-4d | %-17s %-17s | %5.2f | %s%s",
                  sc.name(),
                  w,
                  c,
                  preFlag,
                  pre,
                  preFeat,
                  featTotal,
                  flag,
                  trig,
                  share,
                  per.toString().trim(),
                  falseTrig > 0 ? "  (" + falseTrig + " false retrain triggers pre-drift)" : ""));
        }
      }
    }
    return csv;
  }

  private static String abbrev(String f) {
    return switch (f) {
      case "distance_km" -> "dist";
      case "dep_hour" -> "hour";
      case "dep_delay_min" -> "delay";
      case "destination" -> "dest";
      case "weather" -> "wx";
      case "carrier" -> "carr";
      default -> f;
    };
  }

  /** Median of delays where -1 (never) sorts last. */
  private static String median(int[] d) {
    int[] s = d.clone();
    for (int i = 0; i < s.length; i++) {
      if (s[i] < 0) {
        s[i] = Integer.MAX_VALUE;
      }
    }
    java.util.Arrays.sort(s);
    int m = s[(s.length - 1) / 2];
    return m == Integer.MAX_VALUE ? "-" : Integer.toString(m);
  }

  private static String delay(int[] d, int w) {
    String med = median(d);
    int[] s = d.clone();
    java.util.Arrays.sort(s);
    int never = 0;
    int min = Integer.MAX_VALUE;
    int max = -1;
    for (int v : s) {
      if (v < 0) {
        never++;
      } else {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    if (med.equals("-")) {
      return "never" + (max >= 0 ? "(" + (d.length - never) + "/" + d.length + ")" : "");
    }
    int m = Integer.parseInt(med);
    String r = m + "(" + records(m, w) / 1000 + "k)";
    if (min != max) {
      r += "[" + min + ".." + (never > 0 ? "-" : max) + "]";
    }
    return r;
  }
}
