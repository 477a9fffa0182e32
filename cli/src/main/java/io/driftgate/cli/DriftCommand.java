package io.driftgate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.driftgate.core.dataset.DatasetFiles;
import io.driftgate.core.drift.DriftComparator;
import io.driftgate.core.drift.DriftResult;
import io.driftgate.core.drift.FeatureDrift;
import io.driftgate.core.drift.FeatureOverride;
import io.driftgate.core.drift.metrics.DriftMetric;
import io.driftgate.core.drift.profile.DatasetProfile;
import io.driftgate.core.drift.profile.ProfiledFeature;
import io.driftgate.core.report.DriftReportHtml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Offline drift comparison of two datasets; also how users calibrate thresholds. */
@Command(
    name = "drift",
    mixinStandardHelpOptions = true,
    description = {
      "Compare two datasets and print per-feature drift scores, p-values and verdicts.",
      "A dataset is a .csv or .parquet file, or a lake directory with an optional event-time"
          + " range: LAKE@2026-01-05T00:00:00Z..2026-01-06T00:00:00Z.",
      "Features come from --spec when it exists, else they are inferred (numeric columns vs"
          + " the rest).",
      "A .csv file is RFC 4180 with a header line: a quoted cell may hold commas, quotes and"
          + " line breaks. Columns are read as the features' kinds: a numeric feature's cell must"
          + " be a number (empty: missing; anything else is an error naming the file, line,"
          + " column and value), a categorical feature's cell stays text (007 is not 7).",
      "With --window START instead of two datasets: the monitor's window starting at START"
          + " against its reference, from the profiles the monitor stored in the lake's"
          + " window_profiles table (no records are read).",
      "Exit code: 0 compared, 1 drift found with --fail-on-drift, 2 usage error, 3 failure."
    })
final class DriftCommand implements Callable<Integer> {
  @Mixin SpecOption specOption;

  @Option(names = "--reference", description = "The reference dataset.")
  String reference;

  @Option(names = "--current", description = "The dataset to compare.")
  String current;

  @Option(
      names = "--window",
      paramLabel = "START",
      description =
          "Instead of --reference and --current: the monitor's window that starts at START"
              + " (e.g. 2026-01-05T06:30:00Z) against its reference, both from the profiles the"
              + " monitor stored in the lake's window_profiles table; metrics as the monitor"
              + " chose them.")
  Instant window;

  @Option(names = "--json", description = "Print JSON instead of a table.")
  boolean json;

  @Option(
      names = "--html",
      paramLabel = "FILE",
      description =
          "Also write a self-contained HTML report: per feature the reference and current"
              + " distributions, metric, score, threshold, p-value and verdict.")
  Path html;

  @Option(
      names = "--fail-on-drift",
      description = "Exit 1 when any feature drifted (for scripts and CI).")
  boolean failOnDrift;

  @Option(
      names = "--metric",
      completionCandidates = CliEnums.Metrics.class,
      description = "Force a metric for every feature: ${COMPLETION-CANDIDATES}.")
  DriftMetric metric;

  @Option(
      names = "--threshold",
      description = "Threshold (or alpha for ks / chi_squared) with --metric.")
  Double threshold;

  @Override
  public Integer call() throws Exception {
    if (window != null && (reference != null || current != null)) {
      throw new IllegalArgumentException(
          "--window compares a stored window with its stored reference: give it without"
              + " --reference and --current");
    }
    if (window == null && (reference == null || current == null)) {
      String missing =
          reference == null && current == null
              ? "'--reference', '--current'"
              : reference == null ? "'--reference'" : "'--current'";
      throw new IllegalArgumentException(
          "Missing required option: "
              + missing
              + " (two datasets: --reference and --current; or --window START, a window the"
              + " monitor stored)");
    }
    DatasetProfile ref;
    DatasetProfile cur;
    Map<String, FeatureOverride> overrides;
    if (window != null) {
      StoredWindows.Pair pair = StoredWindows.find(specOption.load(), window);
      reference = "reference " + pair.referenceId();
      current = "window " + window + " (" + pair.reportId() + ")";
      ref = pair.reference();
      cur = pair.current();
      overrides = forced(List.copyOf(ref.features().keySet()), pair.monitorOverrides());
    } else {
      List<ProfiledFeature> features;
      if (Files.exists(specOption.spec)) {
        features = DatasetFiles.features(specOption.load());
      } else {
        features = DatasetFiles.inferFeatures(reference, List.of("event_time", "id"));
      }
      ref = DatasetFiles.profile(reference, features);
      cur = DatasetFiles.profile(current, features);
      overrides = forced(features.stream().map(ProfiledFeature::name).toList(), Map.of());
    }
    DriftResult result = new DriftComparator().compareProfiles(ref, cur, overrides);
    if (json) {
      printJson(result);
    } else {
      printTable(result);
    }
    if (html != null) {
      DriftReportHtml.write(DriftReportHtml.comparison(reference, current, result, ref, cur), html);
      // stderr keeps --json output parseable
      System.err.println("report: " + html.toAbsolutePath().normalize());
    }
    return failOnDrift && result.driftedCount() > 0 ? Main.EXIT_NEGATIVE : Main.EXIT_OK;
  }

  /** {@code --metric} (and {@code --threshold}) for every feature, else {@code otherwise}. */
  private Map<String, FeatureOverride> forced(
      List<String> features, Map<String, FeatureOverride> otherwise) {
    if (metric == null) {
      return otherwise;
    }
    Map<String, FeatureOverride> overrides = new LinkedHashMap<>();
    for (String f : features) {
      overrides.put(
          f,
          threshold == null ? FeatureOverride.of(metric) : FeatureOverride.of(metric, threshold));
    }
    return overrides;
  }

  private void printTable(DriftResult r) {
    System.out.printf(
        "reference %s: %,d rows   current %s: %,d rows%n",
        reference, r.referenceRows(), current, r.currentRows());
    System.out.printf(
        "%-16s %-15s %10s %10s %10s  %-8s %s%n",
        "feature", "metric", "score", "threshold", "p-value", "verdict", "nulls ref/cur");
    for (FeatureDrift f : r.features()) {
      System.out.printf(
          "%-16s %-15s %10.4f %10.4f %10s  %-8s %.3f/%.3f%n",
          f.feature(),
          f.metric() == null ? "-" : f.metric().name().toLowerCase(Locale.ROOT),
          f.score(),
          f.threshold(),
          f.pValue() == null ? "-" : String.format(Locale.ROOT, "%.4g", f.pValue()),
          f.status() != FeatureDrift.Status.OK
              ? f.status().name().toLowerCase(Locale.ROOT)
              : f.drifted() ? "DRIFT" : "ok",
          f.referenceNullRate(),
          f.currentNullRate());
    }
    System.out.printf(
        "drifted: %d of %d features (share %.2f)%n",
        r.driftedCount(), r.evaluatedCount(), r.driftedShare());
  }

  private void printJson(DriftResult r) throws Exception {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("reference", reference);
    out.put("current", current);
    out.put("referenceRows", r.referenceRows());
    out.put("currentRows", r.currentRows());
    out.put("driftedCount", r.driftedCount());
    out.put("evaluatedCount", r.evaluatedCount());
    out.put("driftedShare", r.driftedShare());
    List<Map<String, Object>> fs = new ArrayList<>();
    for (FeatureDrift f : r.features()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("feature", f.feature());
      m.put("status", f.status().name());
      m.put("metric", f.metric() == null ? null : f.metric().name().toLowerCase(Locale.ROOT));
      m.put("score", Double.isFinite(f.score()) ? f.score() : null);
      m.put("threshold", f.threshold());
      m.put("pValue", f.pValue());
      m.put("drifted", f.drifted());
      m.put("referenceNullRate", f.referenceNullRate());
      m.put("currentNullRate", f.currentNullRate());
      fs.add(m);
    }
    out.put("features", fs);
    System.out.println(
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out));
  }
}
