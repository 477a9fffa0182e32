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
    trigger(h, o.trigger());

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

    if (o.evaluation() != null) {
      curves(h, o.evaluation());
    }
    if (o.attributions() != null) {
      h.append(AttributionHtml.section(o.attributions().images(), o.attributions().texts()))
          .append('\n');
    }

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

  /** Why this run happened, with the link to its drift evidence when the caller wrote one. */
  private static void trigger(StringBuilder h, TriggerEvidence t) {
    if (t == null) {
      return;
    }
    h.append("<p class=\"meta\" data-trigger=\"")
        .append(esc(t.runKey()))
        .append("\">triggered by retrain request <code>")
        .append(esc(t.runKey()))
        .append("</code> (")
        .append(esc(String.join(", ", t.reasons())))
        .append(")");
    if (!t.driftReportIds().isEmpty()) {
      h.append(" on drift reports <code>")
          .append(esc(String.join(", ", t.driftReportIds())))
          .append("</code>");
    }
    if (t.link() != null) {
      h.append(" · <a class=\"evidence\" href=\"")
          .append(esc(t.link()))
          .append("\">drift evidence</a>");
    }
    h.append("</p>\n");
  }

  /** ROC and precision–recall curves of both models and their confusion matrices. */
  private static void curves(StringBuilder h, Evaluation e) {
    h.append("<h2>ROC and precision–recall</h2>\n");
    h.append("<p class=\"meta\">Both models on the same ")
        .append(e.labels().length)
        .append(" validation rows: <span style=\"color:")
        .append(CHAMP)
        .append("\">■</span> champion, <span style=\"color:")
        .append(CHAL)
        .append("\">■</span> challenger.</p>\n");
    h.append("<div style=\"display:flex;gap:16px;flex-wrap:wrap\">");
    h.append(
        curveChart(
            "roc",
            "ROC curve",
            "false positive rate",
            "true positive rate",
            e.champion() == null ? null : Evaluation.roc(e.champion(), e.labels()),
            Evaluation.roc(e.challenger(), e.labels()),
            e.champion() == null
                ? null
                : "AUC " + num(io.driftgate.core.stats.Metrics.rocAuc(e.champion(), e.labels())),
            "AUC " + num(io.driftgate.core.stats.Metrics.rocAuc(e.challenger(), e.labels())),
            true));
    h.append(
        curveChart(
            "precision-recall",
            "precision-recall curve",
            "recall",
            "precision",
            e.champion() == null ? null : Evaluation.precisionRecall(e.champion(), e.labels()),
            Evaluation.precisionRecall(e.challenger(), e.labels()),
            e.champion() == null
                ? null
                : "AP " + num(Evaluation.averagePrecision(e.champion(), e.labels())),
            "AP " + num(Evaluation.averagePrecision(e.challenger(), e.labels())),
            false));
    h.append("</div>\n");
    h.append("<h2>Confusion matrix</h2>\n<p class=\"meta\">Predicted positive when the")
        .append(" probability is at least ")
        .append(io.driftgate.core.stats.Metrics.THRESHOLD)
        .append(".</p>\n<div style=\"display:flex;gap:24px;flex-wrap:wrap\">");
    if (e.champion() != null) {
      confusion(h, "champion", CHAMP, Evaluation.confusion(e.champion(), e.labels()));
    }
    confusion(h, "challenger", CHAL, Evaluation.confusion(e.challenger(), e.labels()));
    h.append("</div>\n");
  }

  private static String curveChart(
      String kind,
      String title,
      String xLabel,
      String yLabel,
      List<Evaluation.Point> champion,
      List<Evaluation.Point> challenger,
      String championNote,
      String challengerNote,
      boolean diagonal) {
    int w = 380;
    int hgt = 340;
    double x0 = 50;
    double x1 = w - 16;
    double y0 = hgt - 44;
    double y1 = 16;
    java.util.function.DoubleUnaryOperator x = v -> x0 + v * (x1 - x0);
    java.util.function.DoubleUnaryOperator y = v -> y0 - v * (y0 - y1);
    StringBuilder s = new StringBuilder(open(w, hgt, title, kind));
    s.append(line(x0, y0, x1, y0, "#8c959f", 1)).append(line(x0, y0, x0, y1, "#8c959f", 1));
    for (double t = 0; t <= 1.0001; t += 0.25) {
      String tick = String.format(Locale.ROOT, "%.2f", t);
      s.append(text(x.applyAsDouble(t), y0 + 14, tick, "middle", 10, "#57606a"));
      s.append(text(x0 - 4, y.applyAsDouble(t) + 3, tick, "end", 10, "#57606a"));
    }
    if (diagonal) {
      s.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#afb8c1\""
                  + " stroke-dasharray=\"4 4\"/>",
              x0,
              y0,
              x1,
              y1));
    }
    s.append(text((x0 + x1) / 2, hgt - 8, xLabel, "middle", 11, "#57606a"));
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"12\" y=\"%.1f\" transform=\"rotate(-90 12 %.1f)\" text-anchor=\"middle\""
                + " font-size=\"11\" fill=\"#57606a\">%s</text>",
            (y0 + y1) / 2,
            (y0 + y1) / 2,
            esc(yLabel)));
    // the legend sits bottom right for ROC (curves run top left), top right for PR
    double ly = diagonal ? y0 - 12 : y1 + 14;
    double step = diagonal ? -16 : 16;
    s.append(curve("challenger", CHAL, challenger, x, y));
    s.append(text(x1 - 4, ly, "challenger " + challengerNote, "end", 11, CHAL));
    if (champion != null) {
      s.append(curve("champion", CHAMP, champion, x, y));
      s.append(text(x1 - 4, ly + step, "champion " + championNote, "end", 11, CHAMP));
    }
    return s.append("</svg>").toString();
  }

  private static String curve(
      String model,
      String colour,
      List<Evaluation.Point> points,
      java.util.function.DoubleUnaryOperator x,
      java.util.function.DoubleUnaryOperator y) {
    StringBuilder d = new StringBuilder();
    for (Evaluation.Point p : points) {
      d.append(d.isEmpty() ? "M" : " L")
          .append(
              String.format(
                  Locale.ROOT, "%.1f %.1f", x.applyAsDouble(p.x()), y.applyAsDouble(p.y())));
    }
    return "<path class=\"curve\" data-model=\""
        + model
        + "\" data-points=\""
        + points.size()
        + "\" d=\""
        + d
        + "\" fill=\"none\" stroke=\""
        + colour
        + "\" stroke-width=\"2\"/>";
  }

  private static void confusion(
      StringBuilder h, String model, String colour, Evaluation.Confusion c) {
    h.append("<table class=\"confusion\" data-model=\"")
        .append(model)
        .append("\" data-total=\"")
        .append(c.total())
        .append("\"><tr><th colspan=\"3\" style=\"color:")
        .append(colour)
        .append("\">")
        .append(model)
        .append("</th></tr><tr><th></th><th>predicted 1</th><th>predicted 0</th></tr>")
        .append("<tr><th>actual 1</th>")
        .append(cell("tp", c.tp(), c.total(), PASS))
        .append(cell("fn", c.fn(), c.total(), FAIL))
        .append("</tr><tr><th>actual 0</th>")
        .append(cell("fp", c.fp(), c.total(), FAIL))
        .append(cell("tn", c.tn(), c.total(), PASS))
        .append("</tr></table>");
  }

  private static String cell(String name, long n, long total, String colour) {
    return "<td class=\"num\" data-cell=\""
        + name
        + "\" style=\"color:"
        + colour
        + "\">"
        + n
        + " <span class=\"meta\">("
        + pct(total == 0 ? 0 : (double) n / total)
        + ")</span></td>";
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
