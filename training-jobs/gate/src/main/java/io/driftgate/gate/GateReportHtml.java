package io.driftgate.gate;

import static io.driftgate.core.report.SvgChart.esc;
import static io.driftgate.core.report.SvgChart.line;
import static io.driftgate.core.report.SvgChart.num;
import static io.driftgate.core.report.SvgChart.open;
import static io.driftgate.core.report.SvgChart.pct;
import static io.driftgate.core.report.SvgChart.rect;
import static io.driftgate.core.report.SvgChart.text;

import io.driftgate.core.explain.Explanation;
import io.driftgate.core.gate.CheckResult;
import io.driftgate.core.gate.Gate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The gate report as one self-contained HTML page: inline CSS and SVG only (no scripts, fonts or
 * other external resources). Verdict and reasons, metric deltas with the bootstrap interval, the
 * challenger's SHAP summary (bar of mean |φ| and a beeswarm of φ per feature coloured by feature
 * value) and champion vs challenger importance side by side.
 */
public final class GateReportHtml {
  private static final String PASS = "#1a7f37";
  private static final String FAIL = "#cf222e";
  private static final String WARN = "#9a6700";
  private static final String SKIP = "#6e7781";
  private static final String CHAL = "#0969da";
  private static final String CHAMP = "#8250df";

  private GateReportHtml() {}

  public static void write(GateOutcome o, Path file) {
    try {
      if (file.toAbsolutePath().getParent() != null) {
        Files.createDirectories(file.toAbsolutePath().getParent());
      }
      Files.writeString(file, render(o), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  public static String render(GateOutcome o) {
    StringBuilder h = new StringBuilder(64 * 1024);
    String verdict = o.promote() ? "PROMOTE" : "REJECT";
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>driftgate gate report: ")
        .append(esc(o.model()))
        .append(" ")
        .append(verdict)
        .append("</title><style>")
        .append(
            "body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:24px;"
                + "color:#1f2328;max-width:1120px}h1{font-size:22px;margin:0 0 4px}"
                + "h2{font-size:17px;margin:26px 0 8px;border-bottom:1px solid #d0d7de;"
                + "padding-bottom:4px}table{border-collapse:collapse;font-size:13px}"
                + "td,th{border:1px solid #d0d7de;padding:4px 8px;text-align:left;"
                + "vertical-align:top}th{background:#f6f8fa}.num{text-align:right;"
                + "font-variant-numeric:tabular-nums}.verdict{display:inline-block;"
                + "padding:6px 14px;border-radius:6px;color:#fff;font-weight:700;"
                + "font-size:20px}.meta{color:#57606a;font-size:13px}"
                + ".st{font-weight:700}svg text{font-family:inherit}")
        .append("</style></head><body>\n");
    h.append("<h1>Gate report · ").append(esc(o.model())).append("</h1>\n");
    h.append("<p><span class=\"verdict\" style=\"background:")
        .append(o.promote() ? PASS : FAIL)
        .append("\">")
        .append(verdict)
        .append("</span></p>\n");
    h.append("<p class=\"meta\">challenger <code>")
        .append(esc(String.valueOf(o.challengerDir())))
        .append("</code><br>champion <code>")
        .append(o.championDir() == null ? "none (first model)" : esc(o.championDir().toString()))
        .append("</code><br>validation rows ")
        .append(o.validationRows())
        .append(", event time [")
        .append(Instant.ofEpochMilli(o.validationFrom()))
        .append(", ")
        .append(Instant.ofEpochMilli(o.validationTo()))
        .append(") of lake snapshot ")
        .append(o.lakeSnapshot() == null ? "none" : o.lakeSnapshot().toString())
        .append(" · SHAP: exact over ")
        .append(o.featureNames().size())
        .append(" feature groups, ")
        .append(o.explanations().size())
        .append(" points · ")
        .append(o.millis())
        .append(" ms</p>\n");

    h.append("<h2>Checks</h2>\n<table><tr><th>status</th><th>check</th><th>detail</th></tr>\n");
    for (CheckResult c : o.report().checks()) {
      h.append("<tr><td class=\"st\" style=\"color:")
          .append(colour(c.status()))
          .append("\">")
          .append(c.status())
          .append("</td><td>")
          .append(esc(c.name()))
          .append("</td><td>")
          .append(esc(c.detail()))
          .append("</td></tr>\n");
    }
    h.append("</table>\n");

    h.append("<h2>Metrics on the same validation rows</h2>\n");
    metrics(h, o);
    o.report()
        .check(Gate.CHAMPION_CHALLENGER)
        .filter(c -> c.numbers().containsKey("ciLow"))
        .ifPresent(c -> interval(h, c, o.config().alpha()));

    h.append("<h2>Challenger SHAP summary</h2>\n");
    h.append("<p class=\"meta\">Mean |φ| per feature (left) and φ of every explained point")
        .append(" (right), coloured by the feature's value: ")
        .append("<span style=\"color:#3b4cc0\">■</span> low → ")
        .append("<span style=\"color:#b40426\">■</span> high (categoricals: vocabulary order;")
        .append(" grey: missing or unseen).</p>\n");
    int[] order = order(o.challengerImportance());
    h.append("<div style=\"display:flex;gap:16px;flex-wrap:wrap\">");
    bars(h, o, order);
    beeswarm(h, o, order);
    h.append("</div>\n");

    h.append("<h2>Champion vs challenger importance</h2>\n");
    if (o.championImportance() == null) {
      h.append("<p class=\"meta\">No champion: nothing to compare.</p>\n");
    } else {
      h.append("<p class=\"meta\">Mean |φ| per feature; champion importance ")
          .append(esc(o.championImportanceSource()))
          .append(". Bars are scaled to each model's total.</p>\n");
      sideBySide(h, o, order);
    }
    h.append("</body></html>\n");
    return h.toString();
  }

  private static void metrics(StringBuilder h, GateOutcome o) {
    boolean champ = !o.championMetrics().isEmpty();
    h.append("<table><tr><th>metric</th>");
    if (champ) {
      h.append("<th>champion</th>");
    }
    h.append("<th>challenger</th>");
    if (champ) {
      h.append("<th>Δ (challenger − champion)</th>");
    }
    h.append("</tr>\n");
    Map<String, Double> d = o.metricDeltas();
    for (Map.Entry<String, Double> e : o.challengerMetrics().entrySet()) {
      h.append("<tr><td>").append(esc(e.getKey())).append("</td>");
      if (champ) {
        h.append("<td class=\"num\">")
            .append(num(o.championMetrics().getOrDefault(e.getKey(), Double.NaN)))
            .append("</td>");
      }
      h.append("<td class=\"num\">").append(num(e.getValue())).append("</td>");
      if (champ) {
        Double v = d.get(e.getKey());
        boolean lowerBetter = e.getKey().contains("loss");
        String col =
            v == null || v == 0 || v.isNaN() ? "inherit" : (v > 0) != lowerBetter ? PASS : FAIL;
        h.append("<td class=\"num\" style=\"color:")
            .append(col)
            .append("\">")
            .append(v == null ? "" : (v > 0 ? "+" : "") + num(v))
            .append("</td>");
      }
      h.append("</tr>\n");
    }
    h.append("</table>\n");
  }

  /** The paired-bootstrap interval of the mean log-loss improvement, against zero. */
  private static void interval(StringBuilder h, CheckResult c, double alpha) {
    double lo = c.numbers().get("ciLow");
    double hi = c.numbers().get("ciHigh");
    double mean = c.numbers().get("meanDiff");
    double span = Math.max(Math.max(Math.abs(lo), Math.abs(hi)), 1e-9) * 1.25;
    int w = 640;
    int x0 = 40;
    int x1 = w - 40;
    java.util.function.DoubleUnaryOperator x = v -> x0 + (v + span) / (2 * span) * (x1 - x0);
    h.append("<p class=\"meta\">Mean per-example log-loss improvement (champion − challenger)")
        .append(" with its ")
        .append(String.format(Locale.ROOT, "%.0f", 100 * (1 - alpha)))
        .append("% paired-bootstrap interval; right of 0 = challenger better.</p>\n");
    h.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(w)
        .append("\" height=\"70\" role=\"img\" aria-label=\"loss improvement interval\">");
    h.append(line(x0, 40, x1, 40, "#d0d7de", 1));
    double zx = x.applyAsDouble(0);
    h.append(line(zx, 18, zx, 58, "#57606a", 1));
    h.append(text(zx, 14, "0", "middle", 11, "#57606a"));
    String col = c.status() == CheckResult.Status.PASS ? PASS : FAIL;
    h.append(line(x.applyAsDouble(lo), 40, x.applyAsDouble(hi), 40, col, 4));
    h.append(
        String.format(
            Locale.ROOT,
            "<circle cx=\"%.1f\" cy=\"40\" r=\"6\" fill=\"%s\"/>",
            x.applyAsDouble(mean),
            col));
    h.append(text(x.applyAsDouble(lo), 64, num(lo), "middle", 11, "#1f2328"));
    h.append(text(x.applyAsDouble(hi), 64, num(hi), "middle", 11, "#1f2328"));
    h.append(text(x.applyAsDouble(mean), 26, "mean " + num(mean), "middle", 11, col));
    h.append("</svg>\n");
  }

  private static void bars(StringBuilder h, GateOutcome o, int[] order) {
    double[] imp = o.challengerImportance();
    double max = Arrays.stream(imp).max().orElse(1);
    int rowH = 26;
    int labelW = 130;
    int barW = 220;
    int hgt = order.length * rowH + 30;
    h.append(open(labelW + barW + 70, hgt, "mean absolute SHAP per feature", "importance"));
    for (int r = 0; r < order.length; r++) {
      int f = order[r];
      double y = 10 + r * rowH;
      double w = max > 0 ? imp[f] / max * barW : 0;
      h.append(text(labelW - 6, y + 15, o.featureNames().get(f), "end", 12, "#1f2328"));
      h.append(rect(labelW, y + 4, w, rowH - 10, CHAL, "mean |φ| " + num(imp[f])));
      h.append(text(labelW + w + 4, y + 15, num(imp[f]), "start", 11, "#57606a"));
    }
    h.append(text(labelW + barW / 2.0, hgt - 4, "mean |φ| (probability)", "middle", 11, "#57606a"));
    h.append("</svg>");
  }

  private static void beeswarm(StringBuilder h, GateOutcome o, int[] order) {
    List<Explanation> es = o.explanations();
    double lim = 1e-9;
    for (Explanation e : es) {
      for (double v : e.phi()) {
        lim = Math.max(lim, Math.abs(v));
      }
    }
    lim *= 1.05;
    int rowH = 26;
    int labelW = 130;
    int plotW = 440;
    int hgt = order.length * rowH + 34;
    h.append(
        open(
            labelW + plotW + 20,
            hgt,
            "SHAP value of every explained point per feature",
            "beeswarm"));
    double zx = labelW + plotW / 2.0;
    h.append(line(zx, 6, zx, order.length * rowH + 10, "#8c959f", 1));
    final double limit = lim;
    for (int r = 0; r < order.length; r++) {
      int f = order[r];
      double yc = 10 + r * rowH + rowH / 2.0;
      h.append(line(labelW, yc, labelW + plotW, yc, "#eaeef2", 1));
      h.append(text(labelW - 6, yc + 4, o.featureNames().get(f), "end", 12, "#1f2328"));
      // Deterministic swarm: points in the same x bin stack outward from the centre line.
      Integer[] idx = IntStream.range(0, es.size()).boxed().toArray(Integer[]::new);
      Arrays.sort(idx, Comparator.comparingDouble(i -> es.get(i).phi(f)));
      Map<Integer, Integer> binCount = new java.util.HashMap<>();
      for (int i : idx) {
        double v = es.get(i).phi(f);
        double x = labelW + (v + limit) / (2 * limit) * plotW;
        int bin = (int) Math.floor(x / 3.0);
        int k = binCount.merge(bin, 1, Integer::sum) - 1;
        double dy = ((k + 1) / 2) * 2.2 * ((k % 2 == 0) ? 1 : -1);
        dy = Math.max(-rowH / 2.0 + 2, Math.min(rowH / 2.0 - 2, dy));
        double val = o.explainedValues()[i][f];
        h.append(
            String.format(
                Locale.ROOT,
                "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.2\" fill=\"%s\" fill-opacity=\"0.85\"/>",
                x,
                yc + dy,
                Double.isNaN(val) ? "#afb8c1" : ramp(val)));
      }
    }
    double axisY = order.length * rowH + 24;
    h.append(text(labelW, axisY, num(-limit), "start", 11, "#57606a"));
    h.append(text(zx, axisY, "0 · φ (probability)", "middle", 11, "#57606a"));
    h.append(text(labelW + plotW, axisY, num(limit), "end", 11, "#57606a"));
    h.append("</svg>");
  }

  private static void sideBySide(StringBuilder h, GateOutcome o, int[] order) {
    double[] a = share(o.championImportance());
    double[] b = share(o.challengerImportance());
    double max = Math.max(Arrays.stream(a).max().orElse(0), Arrays.stream(b).max().orElse(0));
    max = max > 0 ? max : 1;
    int rowH = 30;
    int labelW = 130;
    int barW = 260;
    int w = labelW + 2 * (barW + 70);
    int hgt = order.length * rowH + 44;
    h.append(open(w, hgt, "champion and challenger importance", "importance-comparison"));
    int cx = labelW + barW + 60;
    h.append(text(labelW + barW / 2.0, 14, "champion", "middle", 12, CHAMP));
    h.append(text(cx + barW / 2.0, 14, "challenger", "middle", 12, CHAL));
    for (int r = 0; r < order.length; r++) {
      int f = order[r];
      double y = 22 + r * rowH;
      h.append(text(labelW - 6, y + 17, o.featureNames().get(f), "end", 12, "#1f2328"));
      double wa = a[f] / max * barW;
      double wb = b[f] / max * barW;
      h.append(rect(labelW, y + 6, wa, rowH - 12, CHAMP, "champion share " + pct(a[f])));
      h.append(text(labelW + wa + 4, y + 18, pct(a[f]), "start", 11, "#57606a"));
      h.append(rect(cx, y + 6, wb, rowH - 12, CHAL, "challenger share " + pct(b[f])));
      h.append(text(cx + wb + 4, y + 18, pct(b[f]), "start", 11, "#57606a"));
    }
    h.append("</svg>\n");
  }

  private static double[] share(double[] v) {
    double t = Arrays.stream(v).sum();
    return Arrays.stream(v).map(x -> t > 0 ? x / t : 0).toArray();
  }

  static int[] order(double[] imp) {
    return IntStream.range(0, imp.length)
        .boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> -imp[i]).thenComparingInt(i -> i))
        .mapToInt(Integer::intValue)
        .toArray();
  }

  /** Blue (0) to red (1) through light grey, a cool-warm ramp. */
  static String ramp(double t) {
    t = Math.max(0, Math.min(1, t));
    int[] lo = {59, 76, 192};
    int[] mid = {221, 221, 221};
    int[] hi = {180, 4, 38};
    int[] a = t < 0.5 ? lo : mid;
    int[] b = t < 0.5 ? mid : hi;
    double u = t < 0.5 ? t * 2 : (t - 0.5) * 2;
    return String.format(
        Locale.ROOT,
        "#%02x%02x%02x",
        (int) Math.round(a[0] + (b[0] - a[0]) * u),
        (int) Math.round(a[1] + (b[1] - a[1]) * u),
        (int) Math.round(a[2] + (b[2] - a[2]) * u));
  }

  private static String colour(CheckResult.Status s) {
    return switch (s) {
      case PASS -> PASS;
      case FAIL -> FAIL;
      case WARN -> WARN;
      case SKIPPED -> SKIP;
    };
  }
}
