package io.driftgate.core.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.driftgate.core.explain.GroupedExplainer.Layout;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class GroupedExplainerTest {

  @Test
  void gridPatchesPartitionChwAndHwc() {
    for (Layout layout : Layout.values()) {
      int[][] g = GroupedExplainer.gridPatches(5, 4, 3, 2, layout);
      assertThat(g).hasNumberOfRows(3 * 2);
      int[] all = Arrays.stream(g).flatMapToInt(IntStream::of).sorted().toArray();
      assertThat(all).isEqualTo(IntStream.range(0, 60).toArray());
      assertThat(g[0]).hasSize(12);
      assertThat(g[5]).hasSize(6); // bottom edge: 1 row x 2 cols x 3 channels
    }
    // CHW: patch 0 of a 4x4x2 image holds pixels (0,0),(0,1),(1,0),(1,1) in both channel planes
    assertThat(GroupedExplainer.gridPatches(4, 4, 2, 2)[0])
        .containsExactly(0, 1, 4, 5, 16, 17, 20, 21);
    assertThat(GroupedExplainer.gridPatches(4, 4, 2, 2, Layout.HWC)[0])
        .containsExactly(0, 1, 2, 3, 8, 9, 10, 11);
  }

  /** Model that looks only at the bottom-right 2x2 patch (all channels) of a CHW image. */
  static BatchModel onlyPatch(int h, int w, int c, int py, int px, int patch) {
    int[] idx = GroupedExplainer.gridPatches(h, w, c, patch)[py * ((w + patch - 1) / patch) + px];
    return rows -> {
      double[] out = new double[rows.length];
      for (int r = 0; r < rows.length; r++) {
        double s = 0;
        for (int i : idx) {
          s += rows[r][i];
        }
        out[r] = Math.tanh(s) + 0.3 * s * s;
      }
      return out;
    };
  }

  static double[][] images(int n, int d, long seed) {
    Random r = new Random(seed);
    double[][] out = new double[n][d];
    for (double[] row : out) {
      for (int j = 0; j < d; j++) {
        row[j] = r.nextDouble();
      }
    }
    return out;
  }

  @Test
  void onlyTheRelevantPatchGetsAttributionExact() {
    int h = 4, w = 4, c = 3;
    int[][] groups = GroupedExplainer.gridPatches(h, w, c, 2);
    BatchModel f = onlyPatch(h, w, c, 1, 1, 2);
    GroupedExplainer ex =
        new GroupedExplainer(f, Background.of(images(5, h * w * c, 1)), groups, 10, 1);
    assertThat(ex.exact()).isTrue();
    Explanation e = ex.explain(images(1, h * w * c, 2)[0]);
    assertThat(e.size()).isEqualTo(4);
    assertThat(e.phi(3)).isCloseTo(e.fx() - e.baseValue(), within(1e-12));
    assertThat(Math.abs(e.phi(3))).isGreaterThan(1e-3);
    for (int g = 0; g < 3; g++) {
      assertThat(e.phi(g)).isCloseTo(0.0, within(1e-12));
    }
  }

  @Test
  void onlyTheRelevantPatchGetsAttributionSampled() {
    int h = 10, w = 10, c = 1;
    int[][] groups = GroupedExplainer.gridPatches(h, w, c, 2); // 25 groups
    BatchModel f = onlyPatch(h, w, c, 2, 3, 2);
    GroupedExplainer ex =
        new GroupedExplainer(f, Background.of(images(4, h * w * c, 3)), groups, 8, 7);
    assertThat(ex.exact()).isFalse();
    assertThat(ex.groupCount()).isEqualTo(25);
    Explanation e = ex.explain(images(1, h * w * c, 4)[0]);
    int hot = 2 * 5 + 3;
    assertThat(e.phi(hot)).isCloseTo(e.fx() - e.baseValue(), within(1e-12));
    for (int g = 0; g < 25; g++) {
      if (g != hot) {
        assertThat(e.phi(g)).isZero();
      }
    }
  }

  @Test
  void groupsMustPartitionTheFeatures() {
    BatchModel f = TestModels.linear(new double[4], 0);
    Background bg = Background.of(new double[][] {{0, 0, 0, 0}});
    assertThatThrownBy(() -> new GroupedExplainer(f, bg, new int[][] {{0, 1}, {2}}, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no group");
    assertThatThrownBy(() -> new GroupedExplainer(f, bg, new int[][] {{0, 1}, {1, 2, 3}}, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("more than one group");
  }
}
