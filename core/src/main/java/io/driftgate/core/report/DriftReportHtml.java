package io.driftgate.core.report;

import static io.driftgate.core.report.SvgChart.esc;
import static io.driftgate.core.report.SvgChart.num;
import static io.driftgate.core.report.SvgChart.pct;

import io.driftgate.core.drift.DriftResult;
import io.driftgate.core.drift.FeatureDrift;
import io.driftgate.core.drift.metrics.DriftMetric;
import io.driftgate.core.drift.profile.CategoricalProfile;
import io.driftgate.core.drift.profile.DatasetProfile;
import io.driftgate.core.drift.profile.FeatureProfile;
import io.driftgate.core.drift.profile.NumericProfile;
import io.driftgate.schemas.DriftReport;
import io.driftgate.schemas.RetrainRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Drift reports as self-contained HTML pages (inline CSS and SVG only: no scripts, fonts or other
 * external resources), in the style of the gate report.
 *
 * <ul>
 *   <li>{@link #comparison}: one offline comparison ({@code driftgate drift --html}): per feature
 *       the reference and current distributions, metric, score, threshold, p-value and verdict.
 *   <li>{@link #history}: the monitor's stored reports ({@code driftgate report}): each feature's
 *       drift over the windows against its threshold, the drifted share per window and the retrain
 *       requests.
 * </ul>
 *
 * Stable markers for tests and scripts: every feature section is {@code <section class="feature"
 * data-feature=NAME data-drifted=true|false>}; every window point or bar carries {@code
 * data-window=INDEX}; every retrain request line carries {@code data-request=KEY}.
 */
public final class DriftReportHtml {
  /** Display bins of a numeric histogram (the metric's own bins are the reference deciles). */
  static final int DISPLAY_BINS = 20;

  /** Windows whose distributions a history page draws per feature (the most recent ones). */
  static final int MAX_DISTRIBUTION_WINDOWS = 12;

  /** Categories shown per categorical feature; the rest are summed into one bar. */
  static final int MAX_CATEGORIES = 15;

  private DriftReportHtml() {}

  /**
   * Reference vs current shares of one feature on common bins.
   *
   * @param labels bin or category labels
   * @param reference reference share per label
   * @param current current share per label
   * @param note how the bins were made
   */
  public record Distribution(
      List<String> labels, double[] reference, double[] current, String note) {}

  public static void write(String html, Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, html, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** The page of one offline comparison of {@code current} with {@code reference}. */
  public static String comparison(
      String referenceName,
      String currentName,
      DriftResult result,
      DatasetProfile reference,
      DatasetProfile current) {
    StringBuilder h = head("driftgate drift report: " + currentName + " vs " + referenceName);
    h.append("<h1>Drift report</h1>\n<p class=\"meta\">reference <code>")
        .append(esc(referenceName))
        .append("</code> (")
        .append(String.format(Locale.ROOT, "%,d", result.referenceRows()))
        .append(" rows) · current <code>")
        .append(esc(currentName))
        .append("</code> (")
        .append(String.format(Locale.ROOT, "%,d", result.currentRows()))
        .append(" rows)</p>\n");
    h.append("<p><span class=\"verdict\" style=\"background:")
        .append(result.driftedCount() > 0 ? SvgChart.DRIFT : SvgChart.OK)
        .append("\" data-drifted-count=\"")
        .append(result.driftedCount())
        .append("\">")
        .append(result.driftedCount())
        .append(" of ")
        .append(result.evaluatedCount())
        .append(" features drifted (share ")
        .append(String.format(Locale.ROOT, "%.2f", result.driftedShare()))
        .append(")</span></p>\n");
    summaryTable(h, result.features());
    h.append("<h2>Distributions</h2>\n<p class=\"meta\">")
        .append("<span style=\"color:" + SvgChart.REFERENCE + "\">■</span> reference vs ")
        .append("<span style=\"color:" + SvgChart.CURRENT + "\">■</span> current, as shares")
        .append(" of each side's non-null values.</p>\n");
    for (FeatureDrift f : result.features()) {
      h.append(sectionOpen(f.feature(), f.drifted()))
          .append("<h3>")
          .append(esc(f.feature()))
          .append(" ")
          .append(verdictBadge(f))
          .append("</h3>\n<p class=\"meta\">")
          .append(describe(f))
          .append("</p>\n");
      FeatureProfile ref = reference.features().get(f.feature());
      FeatureProfile cur = current.features().get(f.feature());
      Distribution d = distribution(ref, cur);
      if (d == null) {
        h.append("<p class=\"meta\">No distribution to draw: ")
            .append(esc(f.status().name().toLowerCase(Locale.ROOT)))
            .append(".</p>\n");
      } else {
        h.append(
                SvgChart.pairedBars(
                    f.feature() + " reference vs current", d.labels(), d.reference(), d.current()))
            .append("\n<p class=\"meta\">")
            .append(esc(d.note()))
            .append("</p>\n");
      }
      h.append("</section>\n");
    }
    return h.append("</body></html>\n").toString();
  }

  /**
   * The page of a monitor's history: its stored reports (window order) and retrain requests.
   *
   * @param storedWhere where the reports were read, shown in the header
   */
  public static String history(
      String model, String storedWhere, List<DriftReport> reports, List<RetrainRequest> requests) {
    return history(model, storedWhere, reports, requests, Map.of());
  }

  /**
   * {@link #history(String, String, List, List)} with the stored window profiles (the lake's {@code
   * window_profiles}, by profile id: report ids and reference ids): each feature then shows the
   * reference vs current distribution of its last {@value #MAX_DISTRIBUTION_WINDOWS} windows.
   */
  public static String history(
      String model,
      String storedWhere,
      List<DriftReport> reports,
      List<RetrainRequest> requests,
      Map<String, DatasetProfile> profiles) {
    List<DriftReport> windows = latestPerWindow(reports);
    StringBuilder h = head("driftgate drift history: " + model);
    h.append("<h1>Drift over time · ")
        .append(esc(model))
        .append("</h1>\n<p class=\"meta\">")
        .append(windows.size())
        .append(" windows")
        .append(
            windows.isEmpty()
                ? ""
                : ", " + start(windows.get(0)) + " to " + end(windows.get(windows.size() - 1)))
        .append(" · ")
        .append(requests.size())
        .append(" retrain requests · read from ")
        .append(esc(storedWhere))
        .append("</p>\n<p class=\"meta\" data-windows=\"")
        .append(windows.size())
        .append("\" data-profiles=\"")
        .append(profiles.size())
        .append(
            profiles.isEmpty()
                ? "\">No window profiles stored (the lake's <code>window_profiles</code> table):"
                    + " the page shows scores and verdicts; use <code>driftgate drift --html</code>"
                    + " on a lake range to see a window's histograms.</p>\n"
                : "\">Distributions are drawn from the profiles the monitor stored per window"
                    + " (the lake's <code>window_profiles</code> table).</p>\n");
    if (windows.isEmpty()) {
      h.append("<p>No drift reports stored yet.</p>\n");
      return h.append("</body></html>\n").toString();
    }
    long from = windows.get(0).getWindowStart().toEpochMilli();
    long to = windows.get(windows.size() - 1).getWindowEnd().toEpochMilli();
    for (RetrainRequest q : requests) {
      from = Math.min(from, q.getTriggerWindowEnd().toEpochMilli());
      to = Math.max(to, q.getTriggerWindowEnd().toEpochMilli());
    }
    long windowLength =
        windows.get(0).getWindowEnd().toEpochMilli()
            - windows.get(0).getWindowStart().toEpochMilli();
    List<SvgChart.Marker> markers = new ArrayList<>();
    for (RetrainRequest q : requests) {
      markers.add(
          new SvgChart.Marker(
              q.getTriggerWindowEnd().toEpochMilli(),
              "retrain request "
                  + q.getIdempotencyKey()
                  + ": "
                  + q.getReasons()
                  + " at window end "
                  + q.getTriggerWindowEnd(),
              q.getIdempotencyKey().toString()));
    }

    h.append("<h2>Drifted share per window</h2>\n<p class=\"meta\">Share of features flagged")
        .append(" in each window (<span style=\"color:" + SvgChart.DRIFT + "\">■</span> some")
        .append(" drift, <span style=\"color:" + SvgChart.OK + "\">■</span> none); dashed")
        .append(" <span style=\"color:" + SvgChart.REQUEST + "\">|</span> retrain requests.</p>\n");
    List<SvgChart.Point> shares = new ArrayList<>();
    for (int i = 0; i < windows.size(); i++) {
      DriftReport r = windows.get(i);
      shares.add(
          new SvgChart.Point(
              r.getWindowStart().toEpochMilli(),
              r.getDriftedShare(),
              r.getDriftedShare() > 0,
              start(r)
                  + ": drifted share "
                  + pct(r.getDriftedShare())
                  + ", "
                  + r.getRowCount()
                  + " rows",
              i));
    }
    h.append(
            SvgChart.sharePerWindow(
                "drifted share per window", shares, markers, from, to, windowLength))
        .append("\n");

    h.append("<h2>Retrain requests</h2>\n");
    if (requests.isEmpty()) {
      h.append("<p class=\"meta\">None.</p>\n");
    } else {
      h.append("<table><tr><th>request</th><th>reasons</th><th>trigger window end</th>")
          .append("<th>train on</th><th>evidence reports</th></tr>\n");
      for (RetrainRequest q : requests) {
        h.append("<tr data-request=\"")
            .append(esc(q.getIdempotencyKey().toString()))
            .append("\"><td><code>")
            .append(esc(q.getIdempotencyKey().toString()))
            .append("</code></td><td>")
            .append(esc(String.valueOf(q.getReasons())))
            .append("</td><td>")
            .append(q.getTriggerWindowEnd())
            .append("</td><td>[")
            .append(q.getDataFrom())
            .append(", ")
            .append(q.getDataTo())
            .append(")</td><td>")
            .append(q.getEvidenceReportIds().size())
            .append("</td></tr>\n");
      }
      h.append("</table>\n");
    }

    h.append("<h2>Each feature over time</h2>\n<p class=\"meta\">Distances are plotted against")
        .append(" their threshold (drift above it); statistical tests plot the p-value against")
        .append(" alpha (drift below it). <span style=\"color:" + SvgChart.DRIFT + "\">●</span>")
        .append(" drifted window.</p>\n");
    for (String feature : featureNames(windows)) {
      List<SvgChart.Point> points = new ArrayList<>();
      double threshold = Double.NaN;
      String metric = null;
      boolean test = false;
      int drifted = 0;
      for (int i = 0; i < windows.size(); i++) {
        DriftReport r = windows.get(i);
        io.driftgate.schemas.FeatureDrift f = find(r, feature);
        if (f == null) {
          continue;
        }
        metric = f.getMetric().toString();
        test = isTest(metric);
        threshold = f.getThreshold();
        double y = test ? (f.getPValue() == null ? Double.NaN : f.getPValue()) : f.getScore();
        drifted += f.getDrifted() ? 1 : 0;
        // at the window's end: when it was judged, and where a request it triggered is drawn
        points.add(
            new SvgChart.Point(
                r.getWindowEnd().toEpochMilli(),
                y,
                f.getDrifted(),
                start(r)
                    + ": "
                    + metric
                    + " "
                    + num(f.getScore())
                    + (f.getPValue() == null ? "" : ", p " + num(f.getPValue()))
                    + ", threshold "
                    + num(f.getThreshold())
                    + (f.getDrifted() ? ", DRIFT" : ", ok"),
                i));
      }
      h.append(sectionOpen(feature, drifted > 0))
          .append("<h3>")
          .append(esc(feature))
          .append(" <span class=\"meta\">")
          .append(esc(metric))
          .append(" · drifted in ")
          .append(drifted)
          .append(" of ")
          .append(points.size())
          .append(" windows</span></h3>\n")
          .append(
              SvgChart.overTime(
                  feature + " drift over time",
                  test ? metric + " p-value (drift below alpha)" : metric + " score (drift above)",
                  points,
                  threshold,
                  markers,
                  from,
                  to))
          .append("\n");
      windowDistributions(h, feature, windows, profiles);
      h.append("</section>\n");
    }

    h.append("<h2>Windows</h2>\n<table><tr><th>#</th><th>window start</th><th>rows</th>")
        .append("<th>drifted share</th><th>drifted features</th></tr>\n");
    for (int i = 0; i < windows.size(); i++) {
      DriftReport r = windows.get(i);
      List<String> names =
          r.getFeatures().stream()
              .filter(io.driftgate.schemas.FeatureDrift::getDrifted)
              .map(f -> f.getName().toString())
              .toList();
      h.append("<tr data-window=\"")
          .append(i)
          .append("\"><td class=\"num\">")
          .append(i)
          .append("</td><td>")
          .append(start(r))
          .append("</td><td class=\"num\">")
          .append(r.getRowCount())
          .append("</td><td class=\"num\">")
          .append(pct(r.getDriftedShare()))
          .append("</td><td>")
          .append(esc(String.join(", ", names)))
          .append("</td></tr>\n");
    }
    h.append("</table>\n");
    return h.append("</body></html>\n").toString();
  }

  /**
   * The feature's reference vs current distribution in each of the last {@value
   * #MAX_DISTRIBUTION_WINDOWS} windows whose profile and reference profile are stored; each chart
   * in a {@code <figure class="window-distribution" data-window=INDEX>}.
   */
  private static void windowDistributions(
      StringBuilder h,
      String feature,
      List<DriftReport> windows,
      Map<String, DatasetProfile> profiles) {
    if (profiles.isEmpty()) {
      return;
    }
    List<Integer> drawn = new ArrayList<>();
    for (int i = windows.size() - 1; i >= 0 && drawn.size() < MAX_DISTRIBUTION_WINDOWS; i--) {
      DriftReport r = windows.get(i);
      DatasetProfile cur = profiles.get(r.getReportId().toString());
      DatasetProfile ref = profiles.get(r.getReferenceId().toString());
      if (cur != null && ref != null) {
        drawn.add(0, i);
      }
    }
    if (drawn.isEmpty()) {
      h.append("<p class=\"meta\">No stored profiles for these windows.</p>\n");
      return;
    }
    h.append("<p class=\"meta\">Reference vs current in the last ")
        .append(drawn.size())
        .append(" windows with stored profiles, as shares of each side's non-null values.</p>\n")
        .append("<div class=\"grid\">\n");
    for (int i : drawn) {
      DriftReport r = windows.get(i);
      io.driftgate.schemas.FeatureDrift f = find(r, feature);
      Distribution d =
          distribution(
              profiles.get(r.getReferenceId().toString()).features().get(feature),
              profiles.get(r.getReportId().toString()).features().get(feature));
      h.append("<figure class=\"window-distribution\" data-window=\"")
          .append(i)
          .append("\" data-feature=\"")
          .append(esc(feature))
          .append("\"><figcaption class=\"meta\">")
          .append(start(r))
          .append(f == null ? "" : " · " + esc(f.getMetric().toString()) + " " + num(f.getScore()))
          .append(f != null && f.getDrifted() ? " · DRIFT" : "")
          .append("</figcaption>\n");
      if (d == null) {
        h.append("<p class=\"meta\">No distribution to draw.</p>");
      } else {
        h.append(
            SvgChart.pairedBars(
                feature + " reference vs window " + start(r),
                d.labels(),
                d.reference(),
                d.current()));
      }
      h.append("</figure>\n");
    }
    h.append("</div>\n");
  }

  /**
   * Reference and current shares on common display bins, or null when either side has nothing to
   * draw. Numerics: {@value #DISPLAY_BINS} equal-width bins between the 0.5% and 99.5% quantiles of
   * both sides, tails folded into the end bins. Categoricals: the {@value #MAX_CATEGORIES} most
   * frequent categories of both sides, the rest (and a sketch's unlisted mass) as "other".
   */
  public static Distribution distribution(FeatureProfile reference, FeatureProfile current) {
    if (reference == null
        || current == null
        || reference.validCount() == 0
        || current.validCount() == 0
        || reference.kind() != current.kind()) {
      return null;
    }
    if (reference instanceof NumericProfile rn && current instanceof NumericProfile cn) {
      double lo = Math.min(rn.quantile(0.005), cn.quantile(0.005));
      double hi = Math.max(rn.quantile(0.995), cn.quantile(0.995));
      int bins = hi > lo ? DISPLAY_BINS : 1;
      double[] edges = new double[bins + 1];
      for (int i = 0; i <= bins; i++) {
        edges[i] = bins == 1 ? lo + i : lo + (hi - lo) * i / bins;
      }
      long[] rc = rn.histogram(edges);
      long[] cc = cn.histogram(edges);
      List<String> labels = new ArrayList<>();
      for (int i = 0; i < bins; i++) {
        labels.add(bins == 1 ? shortNum(lo) : shortNum(edges[i]));
      }
      return new Distribution(
          labels,
          shares(rc),
          shares(cc),
          "numeric: "
              + bins
              + " equal-width bins over ["
              + num(lo)
              + ", "
              + num(hi)
              + "] (0.5% to 99.5% of both sides; tails in the end bins); labels are bin starts"
              + (rn.hasExactValues() && cn.hasExactValues() ? "" : "; counts from the sketches"));
    }
    CategoricalProfile rc = (CategoricalProfile) reference;
    CategoricalProfile cc = (CategoricalProfile) current;
    Map<String, Long> a = new TreeMap<>(rc.valueCounts());
    Map<String, Long> b = new TreeMap<>(cc.valueCounts());
    double na = rc.validCount();
    double nb = cc.validCount();
    Set<String> all = new LinkedHashSet<>(a.keySet());
    all.addAll(b.keySet());
    List<String> top =
        all.stream()
            .sorted(
                Comparator.comparingDouble(
                        (String k) -> -(a.getOrDefault(k, 0L) / na + b.getOrDefault(k, 0L) / nb))
                    .thenComparing(k -> k))
            .limit(MAX_CATEGORIES)
            .toList();
    List<String> labels = new ArrayList<>(top);
    double[] ra = new double[top.size() + 1];
    double[] rb = new double[top.size() + 1];
    for (int i = 0; i < top.size(); i++) {
      ra[i] = a.getOrDefault(top.get(i), 0L) / na;
      rb[i] = b.getOrDefault(top.get(i), 0L) / nb;
    }
    double restA = 1 - java.util.Arrays.stream(ra).sum();
    double restB = 1 - java.util.Arrays.stream(rb).sum();
    boolean other = restA > 1e-9 || restB > 1e-9;
    if (other) {
      labels.add("(other)");
      ra[top.size()] = Math.max(0, restA);
      rb[top.size()] = Math.max(0, restB);
    }
    int n = labels.size();
    return new Distribution(
        labels,
        java.util.Arrays.copyOf(ra, n),
        java.util.Arrays.copyOf(rb, n),
        "categorical: "
            + all.size()
            + " listed categories"
            + (other ? ", the rest summed as (other)" : "")
            + (rc.isExact() && cc.isExact() ? "" : "; counts from the frequent-items sketches"));
  }

  private static void summaryTable(StringBuilder h, List<FeatureDrift> features) {
    h.append("<h2>Features</h2>\n<table><tr><th>feature</th><th>kind</th><th>metric</th>")
        .append("<th>score</th><th>threshold</th><th>p-value</th><th>verdict</th>")
        .append("<th>null rate ref / cur</th></tr>\n");
    for (FeatureDrift f : features) {
      h.append("<tr data-feature=\"")
          .append(esc(f.feature()))
          .append("\"><td>")
          .append(esc(f.feature()))
          .append("</td><td>")
          .append(f.kind().name().toLowerCase(Locale.ROOT))
          .append("</td><td>")
          .append(f.metric() == null ? "–" : f.metric().name().toLowerCase(Locale.ROOT))
          .append("</td><td class=\"num\">")
          .append(num(f.score()))
          .append("</td><td class=\"num\">")
          .append(num(f.threshold()))
          .append("</td><td class=\"num\">")
          .append(f.pValue() == null ? "–" : num(f.pValue()))
          .append("</td><td>")
          .append(verdictBadge(f))
          .append("</td><td class=\"num\">")
          .append(pct(f.referenceNullRate()))
          .append(" / ")
          .append(pct(f.currentNullRate()))
          .append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  private static String describe(FeatureDrift f) {
    if (f.metric() == null) {
      return "no metric";
    }
    String m = f.metric().name().toLowerCase(Locale.ROOT);
    if (f.metric().isStatisticalTest()) {
      return m
          + " statistic "
          + num(f.score())
          + ", p-value "
          + (f.pValue() == null ? "–" : num(f.pValue()))
          + " vs alpha "
          + num(f.threshold())
          + " (drift when p &lt; alpha)";
    }
    return m + " score " + num(f.score()) + " vs threshold " + num(f.threshold());
  }

  private static String verdictBadge(FeatureDrift f) {
    if (f.status() != FeatureDrift.Status.OK) {
      return "<span class=\"badge\" style=\"background:"
          + SvgChart.MUTED
          + "\">"
          + esc(f.status().name().toLowerCase(Locale.ROOT))
          + "</span>";
    }
    return f.drifted()
        ? "<span class=\"badge drift\" style=\"background:" + SvgChart.DRIFT + "\">DRIFT</span>"
        : "<span class=\"badge ok\" style=\"background:" + SvgChart.OK + "\">ok</span>";
  }

  private static String sectionOpen(String feature, boolean drifted) {
    return "<section class=\"feature\" data-feature=\""
        + esc(feature)
        + "\" data-drifted=\""
        + drifted
        + "\">\n";
  }

  private static StringBuilder head(String title) {
    StringBuilder h = new StringBuilder(64 * 1024);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
        .append(esc(title))
        .append("</title><style>")
        .append(
            "body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:24px;"
                + "color:#1f2328;max-width:1120px}h1{font-size:22px;margin:0 0 4px}"
                + "h2{font-size:17px;margin:26px 0 8px;border-bottom:1px solid #d0d7de;"
                + "padding-bottom:4px}h3{font-size:15px;margin:18px 0 4px}"
                + "table{border-collapse:collapse;font-size:13px}"
                + "td,th{border:1px solid #d0d7de;padding:4px 8px;text-align:left;"
                + "vertical-align:top}th{background:#f6f8fa}.num{text-align:right;"
                + "font-variant-numeric:tabular-nums}.verdict{display:inline-block;"
                + "padding:6px 14px;border-radius:6px;color:#fff;font-weight:700;"
                + "font-size:18px}.badge{display:inline-block;padding:1px 8px;border-radius:10px;"
                + "color:#fff;font-size:12px;font-weight:700}.meta{color:#57606a;font-size:13px}"
                + "section.feature{margin-bottom:12px}svg text{font-family:inherit}"
                + ".grid{display:flex;flex-wrap:wrap;gap:8px}figure{margin:0}"
                + ".grid svg{max-width:360px;height:auto}")
        .append("</style></head><body>\n");
    return h;
  }

  /** The last stored revision of each window, in window order. */
  static List<DriftReport> latestPerWindow(List<DriftReport> reports) {
    Map<Instant, DriftReport> byStart = new TreeMap<>();
    for (DriftReport r : reports) {
      byStart.put(r.getWindowStart(), r);
    }
    return List.copyOf(byStart.values());
  }

  private static List<String> featureNames(List<DriftReport> windows) {
    Map<String, Boolean> names = new LinkedHashMap<>();
    for (DriftReport r : windows) {
      for (io.driftgate.schemas.FeatureDrift f : r.getFeatures()) {
        names.put(f.getName().toString(), true);
      }
    }
    return List.copyOf(names.keySet());
  }

  private static io.driftgate.schemas.FeatureDrift find(DriftReport r, String feature) {
    for (io.driftgate.schemas.FeatureDrift f : r.getFeatures()) {
      if (f.getName().toString().equals(feature)) {
        return f;
      }
    }
    return null;
  }

  private static boolean isTest(String metric) {
    try {
      return DriftMetric.valueOf(metric.toUpperCase(Locale.ROOT)).isStatisticalTest();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String start(DriftReport r) {
    return r.getWindowStart().toString();
  }

  private static String end(DriftReport r) {
    return r.getWindowEnd().toString();
  }

  private static double[] shares(long[] counts) {
    long n = java.util.Arrays.stream(counts).sum();
    double[] s = new double[counts.length];
    for (int i = 0; i < counts.length; i++) {
      s[i] = n == 0 ? 0 : counts[i] / (double) n;
    }
    return s;
  }

  private static String shortNum(double v) {
    double a = Math.abs(v);
    if (a != 0 && (a < 1e-2 || a >= 1e5)) {
      return String.format(Locale.ROOT, "%.1e", v);
    }
    return String.format(Locale.ROOT, a >= 100 ? "%.0f" : "%.2f", v);
  }
}
