package io.driftgate.gate;

import static io.driftgate.core.report.SvgChart.esc;

import io.driftgate.core.explain.Explanation;
import java.util.List;
import java.util.Locale;

/**
 * The gate report's views of unstructured attributions: a validation image in grey with its patch
 * Shapley values overlaid as a translucent heat map (red raises the positive-class score, blue
 * lowers it), and a text with each token's background shaded by its value. Inline SVG and HTML, no
 * scripts or external files, like the rest of {@link GateReportHtml}.
 */
public final class AttributionHtml {
  private AttributionHtml() {}

  /** One explained image: grey levels in [0, 1], row-major {@code height × width}. */
  public record ImageCase(
      String caption, double[] grey, int height, int width, int patch, Explanation patches) {}

  /** One explained text: its tokens (one per position, specials included) and their values. */
  public record TextCase(String caption, List<String> tokens, Explanation values) {}

  /** A section with the images' overlays and the texts' highlighted tokens (empty lists skip). */
  public static String section(List<ImageCase> images, List<TextCase> texts) {
    StringBuilder h = new StringBuilder();
    if (!images.isEmpty() || !texts.isEmpty()) {
      h.append("<section id=\"attributions\"><h2>Attributions on validation samples</h2>")
          .append("<p>Shapley values of image patches and of tokens for the challenger's")
          .append(" probability of the class it predicts (binary: the positive class), against")
          .append(" a masked baseline (the mean validation image; [MASK] tokens); red raises it,")
          .append(" blue lowers it. They sum to f(x) &minus; f(baseline).</p>");
      for (ImageCase c : images) {
        h.append("<figure class=\"attr-image\">")
            .append(imageOverlay(c, 6))
            .append("<figcaption>")
            .append(esc(c.caption()))
            .append(String.format(Locale.ROOT, " (f = %.3f)", c.patches().fx()))
            .append("</figcaption></figure>");
      }
      for (TextCase c : texts) {
        h.append("<p class=\"attr-text\">")
            .append(highlightedTokens(c))
            .append(" <small>")
            .append(esc(c.caption()))
            .append(String.format(Locale.ROOT, " (f = %.3f)", c.values().fx()))
            .append("</small></p>");
      }
      h.append("</section>");
    }
    return h.toString();
  }

  /** The image at {@code scale} pixels per pixel with one translucent rectangle per patch. */
  public static String imageOverlay(ImageCase c, int scale) {
    int w = c.width() * scale;
    int hgt = c.height() * scale;
    StringBuilder s =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" data-chart=\"patch-attribution\""
                    + " width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\""
                    + " aria-label=\"%s\">",
                w,
                hgt,
                w,
                hgt,
                esc(c.caption())));
    for (int y = 0; y < c.height(); y++) {
      for (int x = 0; x < c.width(); x++) {
        int g = (int) Math.round(255 * clamp(c.grey()[y * c.width() + x]));
        s.append(
            String.format(
                Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#%02x%02x%02x\"/>",
                x * scale,
                y * scale,
                scale,
                scale,
                g,
                g,
                g));
      }
    }
    double max = maxAbs(c.patches().phi());
    int cols = (c.width() + c.patch() - 1) / c.patch();
    double[] phi = c.patches().phi();
    for (int p = 0; p < phi.length; p++) {
      int px = (p % cols) * c.patch();
      int py = (p / cols) * c.patch();
      int pw = Math.min(c.patch(), c.width() - px);
      int ph = Math.min(c.patch(), c.height() - py);
      s.append(
          String.format(
              Locale.ROOT,
              "<rect class=\"patch\" data-phi=\"%.6g\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\""
                  + " fill=\"%s\" fill-opacity=\"%.3f\"><title>patch %d: %+.4f</title></rect>",
              phi[p],
              px * scale,
              py * scale,
              pw * scale,
              ph * scale,
              phi[p] >= 0 ? "#b40426" : "#3b4cc0",
              0.7 * Math.abs(phi[p]) / max,
              p,
              phi[p]));
    }
    return s.append("</svg>").toString();
  }

  /** The tokens as spans shaded by their values; {@code ##} continuation pieces join the word. */
  public static String highlightedTokens(TextCase c) {
    double[] phi = c.values().phi();
    double max = maxAbs(phi);
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < c.tokens().size(); i++) {
      String t = c.tokens().get(i);
      if (t.equals("[PAD]")) {
        continue;
      }
      boolean piece = t.startsWith("##");
      if (i > 0 && !piece) {
        s.append(' ');
      }
      String rgb = phi[i] >= 0 ? "180,4,38" : "59,76,192";
      s.append(
          String.format(
              Locale.ROOT,
              "<span class=\"token\" data-phi=\"%.6g\" style=\"background:rgba(%s,%.3f)\""
                  + " title=\"%+.4f\">%s</span>",
              phi[i],
              rgb,
              0.8 * Math.abs(phi[i]) / max,
              phi[i],
              esc(piece ? t.substring(2) : t)));
    }
    return s.toString();
  }

  private static double maxAbs(double[] v) {
    double m = 0;
    for (double x : v) {
      m = Math.max(m, Math.abs(x));
    }
    return m > 0 ? m : 1;
  }

  private static double clamp(double v) {
    return Math.max(0, Math.min(1, v));
  }
}
