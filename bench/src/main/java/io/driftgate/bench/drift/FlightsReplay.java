package io.driftgate.bench.drift;

import io.driftgate.core.dataset.DatasetFiles;
import io.driftgate.core.drift.DriftComparator;
import io.driftgate.core.drift.DriftResult;
import io.driftgate.core.drift.FeatureDrift;
import io.driftgate.core.drift.FeatureOverride;
import io.driftgate.core.drift.metrics.DriftMetric;
import io.driftgate.core.drift.profile.CategoricalProfile;
import io.driftgate.core.drift.profile.DatasetProfile;
import io.driftgate.core.drift.profile.ProfileBuilder;
import io.driftgate.core.drift.profile.ProfiledFeature;
import io.driftgate.core.drift.profile.ProfiledKind;
import io.driftgate.core.lake.ParquetFiles;
import io.driftgate.core.policy.PolicyConfig;
import io.driftgate.core.policy.RetrainDecision;
import io.driftgate.core.policy.RetrainPolicy;
import io.driftgate.core.policy.WindowObservation;
import io.driftgate.core.spec.DriftSpec;
import io.driftgate.core.spec.FeatureSpec;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.generic.GenericRecord;

/**
 * Replays real flights in time order through the production drift path: vega-datasets' {@code
 * flights-3m.parquet} (US domestic flights of 2001: date, delay, distance, origin, destination),
 * fetched by {@code bench/scripts/fetch-vega-datasets.sh}. Rows are sorted by date and cut into
 * windows of {@code drift.window} of {@code examples/flights-vega/driftgate.yaml} (1 day); the
 * reference is the first {@code --reference-days} (7) windows. Each later window is profiled
 * ({@link ProfileBuilder}) and compared with the reference by {@link DriftComparator} with the
 * spec's metric choice (automatic unless {@code drift.metrics} overrides) and, for contrast, with
 * KS / chi-squared at 0.05; the spec's driftedShare and consecutiveWindows drive a {@link
 * RetrainPolicy}. Prints a timeline and writes {@code flights-replay.csv}.
 *
 * <p>Flags: {@code --data <parquet>}, {@code --spec <yaml>}, {@code --reference-days 7}, {@code
 * --out bench/target}.
 */
public final class FlightsReplay {
  static final String DEFAULT_DATA = "bench/target/vega-datasets/package/data/flights-3m.parquet";
  static final String DEFAULT_SPEC = "examples/flights-vega/driftgate.yaml";

  private FlightsReplay() {}

  /** Columns of the dataset, sorted by time. */
  record Table(long[] millis, Long[] delay, Long[] distance, String[] origin, String[] dest) {
    int size() {
      return millis.length;
    }

    Map<String, Object> row(int i) {
      Map<String, Object> m = new HashMap<>();
      m.put("delay", delay[i]);
      m.put("distance", distance[i]);
      m.put("origin", origin[i]);
      m.put("destination", dest[i]);
      return m;
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> a = CalibrationBench.parse(args);
    Path data = Path.of(a.getOrDefault("data", DEFAULT_DATA));
    Path specPath = Path.of(a.getOrDefault("spec", DEFAULT_SPEC));
    int refDays = Integer.parseInt(a.getOrDefault("reference-days", "7"));
    int minRows = Integer.parseInt(a.getOrDefault("min-window-rows", "1000"));
    boolean verbose = a.containsKey("verbose");
    Path out = Path.of(a.getOrDefault("out", "bench/target"));
    if (!Files.exists(data)) {
      System.err.println(data + " not found; run bench/scripts/fetch-vega-datasets.sh first");
      System.exit(2);
    }
    ModelSpec spec = SpecLoader.load(specPath);
    DriftSpec ds = spec.drift();
    List<ProfiledFeature> features = DatasetFiles.features(spec);
    Map<String, FeatureSpec> fspecs = new HashMap<>();
    spec.features().forEach(f -> fspecs.put(f.name(), f));

    long t0 = System.nanoTime();
    Table t = read(data, fspecs);
    System.out.println(
        Stats.f(
            "read %d rows from %s in %.1f s; %s .. %s",
            t.size(),
            data,
            (System.nanoTime() - t0) / 1e9,
            Instant.ofEpochMilli(t.millis()[0]),
            Instant.ofEpochMilli(t.millis()[t.size() - 1])));

    // Windows of drift.window, aligned to the epoch (UTC days for 1d).
    long w = ds.window().toMillis();
    List<int[]> windows = new ArrayList<>(); // [from, to) row indices
    int start = 0;
    for (int i = 1; i <= t.size(); i++) {
      if (i == t.size() || Math.floorDiv(t.millis()[i], w) != Math.floorDiv(t.millis()[start], w)) {
        windows.add(new int[] {start, i});
        start = i;
      }
    }
    int before = windows.size();
    windows.removeIf(x -> x[1] - x[0] < minRows);
    if (windows.size() < before) {
      System.out.println(
          (before - windows.size()) + " window(s) with fewer than " + minRows + " rows skipped");
    }
    if (windows.size() <= refDays) {
      throw new IllegalStateException("only " + windows.size() + " windows");
    }
    int refEnd = windows.get(refDays - 1)[1];
    DatasetProfile ref = profile(t, features, 0, refEnd, 1);
    Map<String, FeatureOverride> specOverrides = overrides(ds);
    Map<String, FeatureOverride> tests = new HashMap<>();
    for (ProfiledFeature f : features) {
      tests.put(
          f.name(),
          FeatureOverride.of(
              f.kind() == ProfiledKind.NUMERIC ? DriftMetric.KS : DriftMetric.CHI_SQUARED, 0.05));
    }
    PolicyConfig pc =
        new PolicyConfig(
            ds.driftedShare(),
            Set.copyOf(ds.criticalFeatures()),
            ds.consecutiveWindows(),
            0,
            null,
            Duration.ZERO,
            1);
    RetrainPolicy policy = new RetrainPolicy(pc);
    DriftComparator cmp = new DriftComparator();
    System.out.println(
        Stats.f(
            "reference: first %d windows of %s (%d rows, %s .. %s); %d windows to compare;"
                + " spec %s: driftedShare %.2f, consecutiveWindows %d, metrics %s",
            refDays,
            ds.window(),
            refEnd,
            day(t.millis()[0]),
            day(t.millis()[refEnd - 1]),
            windows.size() - refDays,
            specPath,
            ds.driftedShare(),
            ds.consecutiveWindows(),
            ds.metrics().isEmpty() ? "automatic" : ds.metrics()));

    List<String> csv = new ArrayList<>();
    Map<String, Integer> flaggedPerFeature = new LinkedHashMap<>();
    Map<String, Integer> testFlaggedPerFeature = new LinkedHashMap<>();
    features.forEach(
        f -> {
          flaggedPerFeature.put(f.name(), 0);
          testFlaggedPerFeature.put(f.name(), 0);
        });
    List<String> timeline = new ArrayList<>();
    List<String> flaggedLines = new ArrayList<>();
    TreeMapWeek weeks = new TreeMapWeek();
    List<String> triggers = new ArrayList<>();
    int flaggedWindows = 0;
    for (int k = refDays; k < windows.size(); k++) {
      int[] win = windows.get(k);
      DatasetProfile cur = profile(t, features, win[0], win[1], k + 2L);
      DriftResult r = cmp.compareProfiles(ref, cur, specOverrides);
      DriftResult rt = cmp.compareProfiles(ref, cur, tests);
      long ws = Math.floorDiv(t.millis()[win[0]], w) * w;
      Instant wStart = Instant.ofEpochMilli(ws);
      Instant wEnd = Instant.ofEpochMilli(ws + w);
      Optional<RetrainDecision> d =
          policy.onWindow(
              new WindowObservation(
                  spec.model(),
                  wStart,
                  wEnd,
                  "w" + k,
                  r.driftedShare(),
                  r.driftedFeatures(),
                  win[1] - win[0]));
      boolean fired = d.isPresent() && !d.get().isSuppressed();
      if (fired) {
        policy.onRunFinished(d.get().idempotencyKey(), wEnd);
        triggers.add(day(ws));
      }
      boolean flagged = r.driftedShare() >= ds.driftedShare();
      flaggedWindows += flagged ? 1 : 0;
      StringBuilder detail = new StringBuilder();
      for (FeatureDrift fd : r.features()) {
        FeatureDrift ft = rt.feature(fd.feature());
        if (fd.drifted()) {
          flaggedPerFeature.merge(fd.feature(), 1, Integer::sum);
        }
        if (ft.drifted()) {
          testFlaggedPerFeature.merge(fd.feature(), 1, Integer::sum);
        }
        detail.append(
            Stats.f(
                " %s%s=%.3f%s",
                abbrev(fd.feature()),
                metricTag(fd.metric()),
                fd.score(),
                fd.drifted() ? "*" : " "));
        csv.add(
            Stats.csv(
                day(ws),
                win[1] - win[0],
                fd.feature(),
                fd.metric(),
                fd.score(),
                fd.threshold(),
                fd.drifted(),
                ft.score(),
                ft.pValue() == null ? Double.NaN : ft.pValue(),
                ft.drifted(),
                r.driftedShare(),
                flagged,
                fired));
      }
      StringBuilder cell = new StringBuilder();
      for (FeatureDrift fd : r.features()) {
        cell.append(fd.drifted() ? letter(fd.feature()) : '.');
      }
      cell.append(fired ? 'R' : flagged ? '!' : ' ');
      weeks.put(ws, cell.toString());
      String line =
          Stats.f(
              "%s %s %6d |%s | share %.2f%s | tests %d/%d",
              day(ws),
              LocalDate.ofInstant(wStart, ZoneOffset.UTC)
                  .getDayOfWeek()
                  .toString()
                  .substring(0, 3)
                  .toLowerCase(Locale.ROOT),
              win[1] - win[0],
              detail,
              r.driftedShare(),
              fired ? " RETRAIN" : flagged ? " flagged" : "",
              rt.driftedCount(),
              rt.evaluatedCount());
      timeline.add(line);
      if (flagged) {
        flaggedLines.add(line);
        for (String f : List.of("origin", "destination")) {
          if (cur.features().get(f) instanceof CategoricalProfile cc
              && ref.features().get(f) instanceof CategoricalProfile rc) {
            flaggedLines.add("    " + f + " share change vs reference: " + topShifts(rc, cc, 4));
          }
        }
      }
    }
    String header =
        "date       dow   rows | score per feature (W = Wasserstein/std, JS = Jensen-Shannon;"
            + " * = drifted) | drifted share | KS/chi2 drifted";
    if (verbose) {
      System.out.println(header);
      timeline.forEach(System.out::println);
    }
    System.out.println();
    StringBuilder legend = new StringBuilder("timeline, one cell per day (");
    for (String f : ref.features().keySet()) {
      legend.append(letter(f)).append('=').append(f).append(' ');
    }
    legend.append(
        "drifted under the spec's metrics, '.' = not; ! = window drifted (share >= driftedShare),"
            + " R = retrain request):");
    System.out.println(legend);
    weeks.print();
    System.out.println();
    System.out.println("windows with drifted share >= driftedShare (scores):");
    System.out.println(header);
    flaggedLines.forEach(System.out::println);
    int n = windows.size() - refDays;
    System.out.println();
    System.out.println(
        Stats.f(
            "windows with drifted share >= %.2f: %d/%d; retrain requests (policy, k=%d, fixed"
                + " reference): %d %s",
            ds.driftedShare(),
            flaggedWindows,
            n,
            ds.consecutiveWindows(),
            triggers.size(),
            triggers));
    System.out.println("feature drifted (spec metrics): " + flaggedPerFeature + " of " + n);
    System.out.println("feature drifted (KS/chi2 @0.05): " + testFlaggedPerFeature + " of " + n);
    Stats.writeCsv(
        out.resolve("flights-replay.csv"),
        "date,rows,feature,metric,score,threshold,drifted,test_statistic,test_p_value,test_drifted,"
            + "drifted_share,window_flagged,retrain_request",
        csv);
    System.out.println("wrote " + out.resolve("flights-replay.csv"));
  }

  /** Profiles rows [from, to) with KLL compaction seeded by {@code seed} (reproducible). */
  static DatasetProfile profile(
      Table t, List<ProfiledFeature> features, int from, int to, long seed) {
    synchronized (Sketches.LOCK) {
      Sketches.reseed(seed);
      ProfileBuilder b = new ProfileBuilder(features);
      for (int i = from; i < to; i++) {
        b.accept(t.row(i));
      }
      return b.build();
    }
  }

  /** The spec's per-feature metric overrides as comparator overrides. */
  static Map<String, FeatureOverride> overrides(DriftSpec ds) {
    Map<String, FeatureOverride> m = new HashMap<>();
    ds.metrics()
        .forEach(
            (f, o) ->
                m.put(
                    f,
                    new FeatureOverride(
                        DriftMetric.valueOf(o.metric().toUpperCase(Locale.ROOT)), o.threshold())));
    return m;
  }

  /** Reads the parquet; date (timestamp-micros or -millis) to epoch millis; sorts by time. */
  static Table read(Path file, Map<String, FeatureSpec> fspecs) {
    List<GenericRecord> rows = new ArrayList<>();
    ParquetFiles.read(file, rows::add);
    int n = rows.size();
    long[] millis = new long[n];
    boolean micros = isMicros(rows.isEmpty() ? null : rows.get(0));
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      long v = ((Number) rows.get(i).get("date")).longValue();
      millis[i] = micros ? Math.floorDiv(v, 1000) : v;
      order[i] = i;
    }
    int inversions = 0;
    for (int i = 1; i < n; i++) {
      if (millis[i] < millis[i - 1]) {
        inversions++;
      }
    }
    Arrays.sort(order, (x, y) -> Long.compare(millis[x], millis[y])); // stable
    long[] ms = new long[n];
    Long[] delay = new Long[n];
    Long[] dist = new Long[n];
    String[] origin = new String[n];
    String[] dest = new String[n];
    Map<String, String> intern = new HashMap<>();
    for (int i = 0; i < n; i++) {
      GenericRecord r = rows.get(order[i]);
      ms[i] = millis[order[i]];
      delay[i] = asLong(r.get("delay"));
      dist[i] = asLong(r.get("distance"));
      origin[i] = cat(r.get("origin"), fspecs.get("origin"), intern);
      dest[i] = cat(r.get("destination"), fspecs.get("destination"), intern);
    }
    long[] mm = {Long.MAX_VALUE, Long.MIN_VALUE, 0, Long.MAX_VALUE, Long.MIN_VALUE, 0};
    for (int i = 0; i < n; i++) {
      if (delay[i] == null) {
        mm[2]++;
      } else {
        mm[0] = Math.min(mm[0], delay[i]);
        mm[1] = Math.max(mm[1], delay[i]);
      }
      if (dist[i] == null) {
        mm[5]++;
      } else {
        mm[3] = Math.min(mm[3], dist[i]);
        mm[4] = Math.max(mm[4], dist[i]);
      }
    }
    System.out.println(
        Stats.f(
            "delay min %d max %d nulls %d; distance min %d max %d nulls %d; %d origins, %d"
                + " destinations",
            mm[0],
            mm[1],
            mm[2],
            mm[3],
            mm[4],
            mm[5],
            Arrays.stream(origin).distinct().count(),
            Arrays.stream(dest).distinct().count()));
    System.out.println(
        Stats.f(
            "input order: %d of %d adjacent pairs out of time order (stable-sorted by date)",
            inversions, Math.max(0, n - 1)));
    return new Table(ms, delay, dist, origin, dest);
  }

  private static boolean isMicros(GenericRecord r) {
    if (r == null) {
      return false;
    }
    org.apache.avro.Schema s = r.getSchema().getField("date").schema();
    if (s.getType() == org.apache.avro.Schema.Type.UNION) {
      s =
          s.getTypes().stream()
              .filter(x -> x.getType() != org.apache.avro.Schema.Type.NULL)
              .findFirst()
              .orElseThrow();
    }
    return s.getLogicalType() != null && s.getLogicalType().getName().equals("timestamp-micros");
  }

  private static Long asLong(Object o) {
    return o instanceof Number num ? num.longValue() : null;
  }

  private static String cat(Object o, FeatureSpec f, Map<String, String> intern) {
    if (o == null) {
      return null;
    }
    String s = f == null ? o.toString().trim() : f.normalize().apply(o.toString());
    return intern.computeIfAbsent(s, x -> x);
  }

  /** The categories whose share moved most, e.g. {@code BOS -1.9pp}. */
  static String topShifts(CategoricalProfile ref, CategoricalProfile cur, int top) {
    Map<String, Double> delta = new HashMap<>();
    double rn = ref.validCount();
    double cn = cur.validCount();
    ref.valueCounts().forEach((k, v) -> delta.merge(k, -v / rn, Double::sum));
    cur.valueCounts().forEach((k, v) -> delta.merge(k, v / cn, Double::sum));
    StringBuilder sb = new StringBuilder();
    delta.entrySet().stream()
        .sorted((x, y) -> Double.compare(Math.abs(y.getValue()), Math.abs(x.getValue())))
        .limit(top)
        .forEach(e -> sb.append(Stats.f("%s %+.1fpp  ", e.getKey(), 100 * e.getValue())));
    return sb.toString().trim();
  }

  private static char letter(String feature) {
    return switch (feature) {
      case "delay" -> 'D';
      case "distance" -> 'd';
      case "origin" -> 'o';
      case "destination" -> 't';
      default -> feature.charAt(0);
    };
  }

  /** Day cells grouped by ISO week (Monday first). */
  private static final class TreeMapWeek {
    private final java.util.TreeMap<LocalDate, String[]> weeks = new java.util.TreeMap<>();

    void put(long dayMillis, String cell) {
      LocalDate d = LocalDate.ofInstant(Instant.ofEpochMilli(dayMillis), ZoneOffset.UTC);
      LocalDate monday = d.minusDays(d.getDayOfWeek().getValue() - 1L);
      weeks.computeIfAbsent(monday, x -> new String[7])[d.getDayOfWeek().getValue() - 1] = cell;
    }

    void print() {
      System.out.println("week of       mon   tue   wed   thu   fri   sat   sun");
      weeks.forEach(
          (monday, cells) -> {
            StringBuilder sb = new StringBuilder(monday.toString()).append(" |");
            for (String c : cells) {
              sb.append(' ').append(c == null ? "     " : c);
            }
            System.out.println(sb);
          });
    }
  }

  static String day(long millis) {
    return Instant.ofEpochMilli(millis).toString().substring(0, 10);
  }

  private static String abbrev(String f) {
    return switch (f) {
      case "distance" -> "dist";
      case "destination" -> "dest";
      case "origin" -> "orig";
      default -> f;
    };
  }

  private static String metricTag(DriftMetric m) {
    return switch (m) {
      case WASSERSTEIN -> ":W";
      case JENSEN_SHANNON -> ":JS";
      case PSI -> ":PSI";
      case LINF -> ":Linf";
      case KS -> ":KSp";
      case CHI_SQUARED -> ":X2p";
      case MMD -> ":MMDp";
      case INTENSITY -> ":Int";
      case TOKEN_JS -> ":TokJS";
      case TEXT_LENGTH -> ":Len";
      case OOV_RATE -> ":OOV";
    };
  }
}
