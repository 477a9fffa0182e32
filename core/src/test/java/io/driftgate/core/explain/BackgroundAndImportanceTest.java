package io.driftgate.core.explain;

import static io.driftgate.core.explain.TestModels.gaussian;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackgroundAndImportanceTest {

  /** Three tight clusters of 10, 20 and 30 points around (0,0), (10,0), (0,10). */
  static double[][] clusters() {
    double[][] noise = gaussian(60, 2, 8);
    double[][] out = new double[60][];
    for (int i = 0; i < 60; i++) {
      double cx = i < 10 ? 0 : i < 30 ? 10 : 0;
      double cy = i < 30 ? 0 : 10;
      out[i] = new double[] {cx + 0.1 * noise[i][0], cy + 0.1 * noise[i][1]};
    }
    return out;
  }

  @Test
  void kMeansIsDeterministicAndWeightsAreClusterSizes() {
    double[][] data = clusters();
    Background a = Background.kMeans(data, 3, 17);
    Background b = Background.kMeans(data, 3, 17);
    assertThat(a.rows()).isDeepEqualTo(b.rows());
    assertThat(a.weights()).isEqualTo(b.weights());
    double[] w = a.weights().clone();
    Arrays.sort(w);
    assertThat(w).containsExactly(10, 20, 30);
    for (double[] c : a.rows()) {
      boolean nearCenter =
          Math.hypot(c[0], c[1]) < 0.2
              || Math.hypot(c[0] - 10, c[1]) < 0.2
              || Math.hypot(c[0], c[1] - 10) < 0.2;
      assertThat(nearCenter).as("centroid %s", Arrays.toString(c)).isTrue();
    }
    // weighted mean of the centroids equals the data mean
    double[] mean = a.mean();
    double mx = Arrays.stream(data).mapToDouble(r -> r[0]).average().orElseThrow();
    assertThat(mean[0]).isCloseTo(mx, within(1e-9));
  }

  @Test
  void kMeansWithKAtLeastNReturnsTheData() {
    double[][] data = gaussian(4, 3, 1);
    Background bg = Background.kMeans(data, 10, 1);
    assertThat(bg.rows()).isDeepEqualTo(data);
    assertThat(bg.weights()).containsExactly(1, 1, 1, 1);
  }

  @Test
  void sampleIsSeededAndWithoutReplacement() {
    double[][] data = new double[50][];
    for (int i = 0; i < 50; i++) {
      data[i] = new double[] {i};
    }
    Background a = Background.sample(data, 20, 5);
    assertThat(a.rows()).isDeepEqualTo(Background.sample(data, 20, 5).rows());
    assertThat(a.rows()).isNotEqualTo(Background.sample(data, 20, 6).rows());
    assertThat(Arrays.stream(a.rows()).mapToDouble(r -> r[0]).distinct().count()).isEqualTo(20);
    assertThat(Background.sample(data, 80, 5).size()).isEqualTo(50);
  }

  @Test
  void rejectsBadWeights() {
    assertThatThrownBy(() -> Background.of(new double[][] {{1}}, new double[] {0}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void globalImportanceMeanAbsAndRanking() {
    List<Explanation> es =
        List.of(
            new Explanation(new double[] {1, -4, 0.5, 0}, 0, -2.5),
            new Explanation(new double[] {-3, 2, 0.5, 0}, 0, -0.5));
    GlobalImportance g = GlobalImportance.meanAbs(es);
    assertThat(g.values()).containsExactly(2, 3, 0.5, 0);
    assertThat(g.ranking()).containsExactly(1, 0, 2, 3);
    assertThat(g.share(2, 3)).isCloseTo(0.5 / 5.5, within(1e-12));
  }
}
