package io.driftgate.core.report;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The small inline-SVG toolkit of the drift reports: escaping, number formatting, primitives and
 * the three charts they draw (paired distribution bars, a value over time against a threshold, a
 * share per window). Output is plain SVG markup with no scripts or external references, so a page
 * made of it is self-contained.
 */
public final class SvgChart {
  public static final String OK = "#1a7f37";
  public static final String DRIFT = "#cf222e";
  public static final String MUTED = "#57606a";
  public static final String INK = "#1f2328";
  public static final String REFERENCE = "#8250df";
  public static final String CURRENT = "#0969da";
  public static final String REQUEST = "#9a6700";
  private static final String GRID = "#d0d7de";

  private SvgChart() {}

  /**
   * One point of a {@link #overTime} chart.
   *
   * @param x position on the time axis (epoch millis)
   * @param y the plotted value (NaN: no point)
   * @param flagged whether to draw the point as drifted
   * @param title tooltip text
   * @param window index of the window, written as {@code data-window}
   */
  public record Point(long x, double y, boolean flagged, String title, int window) {}

  /**
   * A vertical marker on a {@link #overTime} chart (a retrain request).
   *
   * @param x position on the time axis (epoch millis)
   * @param label tooltip text
   * @param id written as {@code data-request}
   */
  public record Marker(long x, String label, String id) {}

  /**
   * Reference vs current shares per bin or category, side by side.
   *
   * @param labels one label per bin or category
   * @param reference reference share per label (0 to 1)
   * @param current current share per label (0 to 1)
   */
  public static String pairedBars(
      String ariaLabel, List<String> labels, double[] reference, double[] current) {
    int n = labels.size();
    int plotH = 150;
    int top = 22;
    int left = 44;
    int slot = Math.max(18, Math.min(48, 640 / Math.max(1, n)));
    int w = left + n * slot + 16;
    int labelH = longest(labels) > 6 ? 70 : 30;
    int h = top + plotH + labelH;
    double max = 1e-12;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, Math.max(reference[i], current[i]));
    }
    StringBuilder s = new StringBuilder(open(w, h, ariaLabel, "distribution"));
    s.append(text(left, 12, "■ reference", "start", 11, REFERENCE));
    s.append(text(left + 90, 12, "■ current", "start", 11, CURRENT));
    int base = top + plotH;
    s.append(line(left, base, w - 10, base, GRID, 1));
    s.append(text(left - 4, top + 8, pct(max), "end", 10, MUTED));
    s.append(text(left - 4, base, "0", "end", 10, MUTED));
    double bw = (slot - 4) / 2.0;
    for (int i = 0; i < n; i++) {
      double x = left + i * slot + 2;
      double rh = reference[i] / max * plotH;
      double ch = current[i] / max * plotH;
      s.append(
          rect(
              x, base - rh, bw, rh, REFERENCE, labels.get(i) + ": reference " + pct(reference[i])));
      s.append(
          rect(x + bw, base - ch, bw, ch, CURRENT, labels.get(i) + ": current " + pct(current[i])));
      double lx = x + bw;
      if (labelH > 30) {
        s.append(
            String.format(
                Locale.ROOT,
                "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" fill=\"%s\" text-anchor=\"end\""
                    + " transform=\"rotate(-40 %.1f %d)\">%s</text>",
                lx,
                base + 12,
                MUTED,
                lx,
                base + 12,
                esc(shorten(labels.get(i), 14))));
      } else {
        s.append(text(lx, base + 14, labels.get(i), "middle", 10, MUTED));
      }
    }
    return s.append("</svg>").toString();
  }

  /**
   * Values over time with a horizontal threshold line and vertical markers.
   *
   * @param yLabel what y is
   * @param threshold the threshold line (NaN: none)
   * @param from left end of the time axis (epoch millis)
   * @param to right end of the time axis (epoch millis)
   */
  public static String overTime(
      String ariaLabel,
      String yLabel,
      List<Point> points,
      double threshold,
      List<Marker> markers,
      long from,
      long to) {
    double max = Double.isNaN(threshold) ? 0 : threshold;
    for (Point p : points) {
      if (Double.isFinite(p.y())) {
        max = Math.max(max, p.y());
      }
    }
    max = max > 0 ? max * 1.1 : 1;
    TimeFrame f =
        new TimeFrame(ariaLabel, "score-over-time", yLabel, max, num(max), markers, from, to);
    StringBuilder s = f.svg;
    if (!Double.isNaN(threshold)) {
      double y = f.y(threshold);
      s.append(
          String.format(
              Locale.ROOT,
              "<line class=\"threshold\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\""
                  + " stroke=\"%s\" stroke-width=\"1\" stroke-dasharray=\"6 4\"/>",
              TimeFrame.LEFT,
              y,
              TimeFrame.RIGHT,
              y,
              DRIFT));
      s.append(text(TimeFrame.RIGHT, y - 3, "threshold " + num(threshold), "end", 10, DRIFT));
    }
    StringBuilder path = new StringBuilder();
    for (Point p : points) {
      if (Double.isFinite(p.y())) {
        path.append(path.isEmpty() ? "M" : " L")
            .append(String.format(Locale.ROOT, "%.1f %.1f", f.x(p.x()), f.y(p.y())));
      }
    }
    if (!path.isEmpty()) {
      s.append("<path d=\"")
          .append(path)
          .append("\" fill=\"none\" stroke=\"")
          .append(CURRENT)
          .append("\" stroke-width=\"1.5\"/>");
    }
    for (Point p : points) {
      if (Double.isFinite(p.y())) {
        s.append(
            String.format(
                Locale.ROOT,
                "<circle data-window=\"%d\" data-drifted=\"%s\" cx=\"%.1f\" cy=\"%.1f\""
                    + " r=\"%s\" fill=\"%s\"><title>%s</title></circle>",
                p.window(),
                p.flagged(),
                f.x(p.x()),
                f.y(p.y()),
                p.flagged() ? "4.5" : "3",
                p.flagged() ? DRIFT : OK,
                esc(p.title())));
      }
    }
    return s.append("</svg>").toString();
  }

  /**
   * A 0-to-1 share per window as bars on the same time axis as {@link #overTime}.
   *
   * @param barWidth width of a bar on the time axis (millis; a window's length)
   */
  public static String sharePerWindow(
      String ariaLabel,
      List<Point> points,
      List<Marker> markers,
      long from,
      long to,
      long barWidth) {
    TimeFrame f =
        new TimeFrame(
            ariaLabel, "drifted-share", "drifted share of features", 1, "100%", markers, from, to);
    for (Point p : points) {
      double x = f.x(p.x());
      double bw = Math.max(2, f.x(p.x() + barWidth) - x - 1);
      double v = Math.max(0, Math.min(1, p.y()));
      // a window without drift still gets a sliver, so every window is visibly there
      double y = Math.min(f.y(v), TimeFrame.BASE - 2);
      f.svg.append(
          String.format(
              Locale.ROOT,
              "<rect data-window=\"%d\" data-drifted=\"%s\" x=\"%.1f\" y=\"%.1f\""
                  + " width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s</title></rect>",
              p.window(),
              p.flagged(),
              x,
              y,
              bw,
              TimeFrame.BASE - y,
              p.flagged() ? DRIFT : OK,
              esc(p.title())));
    }
    return f.svg.append("</svg>").toString();
  }

  /** Axes, labels and markers of a chart over a time range; callers add the data. */
  private static final class TimeFrame {
    static final int W = 720;
    static final int H = 190;
    static final int LEFT = 56;
    static final int RIGHT = W - 16;
    static final int TOP = 14;
    static final int BASE = H - 34;
    final StringBuilder svg;
    final double yMax;
    final long from;
    final long span;

    TimeFrame(
        String ariaLabel,
        String chartKind,
        String yLabel,
        double yMax,
        String yMaxLabel,
        List<Marker> markers,
        long from,
        long to) {
      this.yMax = yMax;
      this.from = from;
      this.span = Math.max(1, to - from);
      svg = new StringBuilder(open(W, H, ariaLabel, chartKind));
      svg.append(line(LEFT, BASE, RIGHT, BASE, GRID, 1));
      svg.append(line(LEFT, TOP, LEFT, BASE, GRID, 1));
      svg.append(text(LEFT - 4, TOP + 8, yMaxLabel, "end", 10, MUTED));
      svg.append(text(LEFT - 4, BASE, "0", "end", 10, MUTED));
      svg.append(text(LEFT, H - 6, Instant.ofEpochMilli(from).toString(), "start", 10, MUTED));
      svg.append(text(RIGHT, H - 6, Instant.ofEpochMilli(to).toString(), "end", 10, MUTED));
      svg.append(text((LEFT + RIGHT) / 2.0, H - 20, yLabel, "middle", 10, MUTED));
      for (Marker m : markers) {
        double x = x(m.x());
        svg.append(
            String.format(
                Locale.ROOT,
                "<line data-request=\"%s\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\""
                    + " stroke=\"%s\" stroke-width=\"2\" stroke-dasharray=\"4 3\">"
                    + "<title>%s</title></line>",
                esc(m.id()),
                x,
                TOP,
                x,
                BASE,
                REQUEST,
                esc(m.label())));
      }
    }

    double x(long t) {
      return LEFT + (t - from) / (double) span * (RIGHT - LEFT);
    }

    double y(double v) {
      return BASE - v / yMax * (BASE - TOP);
    }
  }

  public static String open(int w, int h, String ariaLabel, String chartKind) {
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" data-chart=\""
        + esc(chartKind)
        + "\" width=\""
        + w
        + "\" height=\""
        + h
        + "\" viewBox=\"0 0 "
        + w
        + " "
        + h
        + "\" role=\"img\" aria-label=\""
        + esc(ariaLabel)
        + "\">";
  }

  public static String line(double x1, double y1, double x2, double y2, String c, double w) {
    return String.format(
        Locale.ROOT,
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%.1f\"/>",
        x1,
        y1,
        x2,
        y2,
        c,
        w);
  }

  public static String rect(double x, double y, double w, double h, String c, String title) {
    return String.format(
        Locale.ROOT,
        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s</title></rect>",
        x,
        y,
        Math.max(0, w),
        Math.max(0, h),
        c,
        esc(title));
  }

  public static String text(double x, double y, String s, String anchor, int size, String colour) {
    return String.format(
        Locale.ROOT,
        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\" fill=\"%s\">%s</text>",
        x,
        y,
        anchor,
        size,
        colour,
        esc(s));
  }

  public static String pct(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f%%", 100 * v) : "–";
  }

  /** Four decimals, or scientific notation for very small or large values; "–" for NaN. */
  public static String num(double v) {
    if (!Double.isFinite(v)) {
      return Double.isNaN(v) ? "–" : (v > 0 ? "∞" : "-∞");
    }
    double a = Math.abs(v);
    return a != 0 && (a < 1e-3 || a >= 1e6)
        ? String.format(Locale.ROOT, "%.2e", v)
        : String.format(Locale.ROOT, "%.4f", v);
  }

  /** HTML/XML text and attribute escaping (the same rules as the gate report). */
  public static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  private static int longest(List<String> labels) {
    return labels.stream().mapToInt(String::length).max().orElse(0);
  }

  private static String shorten(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}
