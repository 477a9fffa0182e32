package io.driftgate.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.explain.BatchModel;
import io.driftgate.core.explain.Explanation;
import io.driftgate.core.explain.UnstructuredAttribution;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The overlays and highlighted tokens show the planted signal as the strongest shade. */
class AttributionHtmlTest {
  private static final Pattern PATCH =
      Pattern.compile("data-phi=\"([^\"]+)\"[^>]*fill-opacity=\"([0-9.]+)\"><title>patch (\\d+)");
  private static final Pattern TOKEN =
      Pattern.compile(
          "data-phi=\"([^\"]+)\" style=\"background:rgba\\([0-9,]+,([0-9.]+)\\)\"[^>]*>([^<]+)<");

  @Test
  void theOverlayShadesThePlantedPatchStrongest() {
    int n = 8;
    double[] img = new double[n * n];
    for (int y = 4; y < 8; y++) {
      for (int x = 0; x < 4; x++) {
        img[y * n + x] = 1; // bright lower-left quadrant = patch 2 of a 2x2 grid of 4x4 patches
      }
    }
    BatchModel model =
        rows -> {
          double[] out = new double[rows.length];
          for (int r = 0; r < rows.length; r++) {
            double s = 0;
            for (int y = 4; y < 8; y++) {
              for (int x = 0; x < 4; x++) {
                s += rows[r][y * n + x];
              }
            }
            out[r] = 1 / (1 + Math.exp(-(s / 4 - 1) + 0.1 * rows[r][0]));
          }
          return out;
        };
    Explanation e =
        UnstructuredAttribution.patches(model, img, new double[n * n], 1, n, n, 4, 0, 1);
    String svg =
        AttributionHtml.imageOverlay(new AttributionHtml.ImageCase("digit", img, n, n, 4, e), 5);
    Matcher m = PATCH.matcher(svg);
    int strongest = -1;
    double best = -1;
    int count = 0;
    while (m.find()) {
      count++;
      double opacity = Double.parseDouble(m.group(2));
      if (opacity > best) {
        best = opacity;
        strongest = Integer.parseInt(m.group(3));
      }
    }
    assertThat(count).isEqualTo(4);
    assertThat(strongest).isEqualTo(2);
    assertThat(best).isEqualTo(0.7);
    assertThat(svg).startsWith("<svg").endsWith("</svg>").contains("width=\"40\"");
  }

  @Test
  void theHighlightedTextShadesThePlantedTokenStrongestAndSkipsPadding() {
    List<String> tokens = List.of("[CLS]", "the", "bak", "##ery", "was", "open", "[SEP]", "[PAD]");
    double[] ids = {2, 10, 11, 12, 13, 14, 3, 0};
    BatchModel model =
        rows -> {
          double[] out = new double[rows.length];
          for (int r = 0; r < rows.length; r++) {
            double z = -1;
            for (double v : rows[r]) {
              z += v == 11 ? 2.5 : v > 4 ? 0.1 : 0;
            }
            out[r] = 1 / (1 + Math.exp(-z));
          }
          return out;
        };
    Explanation e = UnstructuredAttribution.tokens(model, ids, 4, id -> id <= 4, 16, 3);
    String html =
        AttributionHtml.highlightedTokens(new AttributionHtml.TextCase("text 1", tokens, e));
    Matcher m = TOKEN.matcher(html);
    String strongest = null;
    double best = -1;
    while (m.find()) {
      double a = Double.parseDouble(m.group(2));
      if (a > best) {
        best = a;
        strongest = m.group(3);
      }
    }
    assertThat(strongest).isEqualTo("bak");
    assertThat(html).doesNotContain("[PAD]").contains(">ery<").contains("[SEP]");
    String section =
        AttributionHtml.section(List.of(), List.of(new AttributionHtml.TextCase("t", tokens, e)));
    assertThat(section).contains("id=\"attributions\"").contains("f = ");
    assertThat(AttributionHtml.section(List.of(), List.of())).isEmpty();
  }
}
