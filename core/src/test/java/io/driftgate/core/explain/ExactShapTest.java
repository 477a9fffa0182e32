package io.driftgate.core.explain;

import static io.driftgate.core.explain.TestModels.gaussian;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExactShapTest {

  @Test
  void linearModelMatchesClosedForm() {
    double[] w = {1.5, -2.0, 0.25, 3.0, 0.0, -0.75};
    BatchModel f = TestModels.linear(w, 0.4);
    double[][] data = gaussian(40, w.length, 1);
    // unequal weights exercise the weighted expectation
    Background bg = Background.kMeans(data, 7, 3);
    double[] mean = bg.mean();
    ExactShap shap = new ExactShap(f, bg, 64);
    for (double[] x : gaussian(5, w.length, 2)) {
      Explanation e = shap.explain(x);
      for (int i = 0; i < w.length; i++) {
        assertThat(e.phi(i)).isCloseTo(w[i] * (x[i] - mean[i]), within(1e-9));
      }
      double expectedBase = 0.4;
      for (int i = 0; i < w.length; i++) {
        expectedBase += w[i] * mean[i];
      }
      assertThat(e.baseValue()).isCloseTo(expectedBase, within(1e-9));
      assertThat(e.fx()).isCloseTo(f.predict(new double[][] {x})[0], within(1e-12));
    }
  }

  @Test
  void additivityOnNonlinearModel() {
    BatchModel f = TestModels.mlp(8, 5, 7);
    ExactShap shap = new ExactShap(f, Background.sample(gaussian(50, 8, 3), 10, 4));
    for (Explanation e : shap.explainAll(gaussian(4, 8, 5))) {
      assertThat(e.additivityError()).isLessThan(1e-12);
      assertThat(TestModels.sum(e.phi())).isCloseTo(e.fx() - e.baseValue(), within(1e-12));
    }
  }

  @Test
  void symmetricFeaturesGetEqualValues() {
    // f = x0 * x1 + sin(x0 + x1) + x2: features 0 and 1 play identical roles when the point and
    // every background row have equal values in them.
    BatchModel f =
        rows -> {
          double[] out = new double[rows.length];
          for (int i = 0; i < rows.length; i++) {
            double[] r = rows[i];
            out[i] = r[0] * r[1] + Math.sin(r[0] + r[1]) + r[2];
          }
          return out;
        };
    double[][] bg = gaussian(6, 3, 9);
    for (double[] r : bg) {
      r[1] = r[0];
    }
    Explanation e = new ExactShap(f, Background.of(bg)).explain(new double[] {1.3, 1.3, -0.4});
    assertThat(e.phi(0)).isCloseTo(e.phi(1), within(1e-12));
    assertThat(e.phi(0)).isNotCloseTo(0.0, within(1e-3));
  }

  @Test
  void dummyFeatureGetsZero() {
    BatchModel f =
        rows -> {
          double[] out = new double[rows.length];
          for (int i = 0; i < rows.length; i++) {
            out[i] = Math.tanh(rows[i][0] * rows[i][2]) + rows[i][3] * rows[i][3];
          }
          return out;
        };
    Explanation e =
        new ExactShap(f, Background.of(gaussian(8, 4, 1))).explain(new double[] {1, 5, -1, 2});
    assertThat(e.phi(1)).isCloseTo(0.0, within(1e-12));
    assertThat(e.phi(0)).isNotCloseTo(0.0, within(1e-6));
  }

  @Test
  void batchSizeDoesNotChangeResultAndBatchesAreBounded() {
    BatchModel inner = TestModels.mlp(6, 4, 11);
    List<Integer> sizes = new ArrayList<>();
    BatchModel counting =
        rows -> {
          sizes.add(rows.length);
          return inner.predict(rows);
        };
    Background bg = Background.of(gaussian(9, 6, 2));
    double[][] xs = gaussian(3, 6, 3);
    List<Explanation> big = new ExactShap(inner, bg, 100_000).explainAll(xs);
    List<Explanation> small = new ExactShap(counting, bg, 37).explainAll(xs);
    assertThat(sizes).allMatch(s -> s <= 37);
    // 2^6 - 2 mixed coalitions x 9 background rows + 1 full row, per point, shared batches
    int rows = sizes.stream().mapToInt(Integer::intValue).sum();
    assertThat(rows).isEqualTo(9 /* base */ + 3 * (62 * 9 + 1));
    for (int p = 0; p < xs.length; p++) {
      assertThat(TestModels.maxAbsDiff(small.get(p).phi(), big.get(p).phi())).isLessThan(1e-12);
      assertThat(small.get(p)).isEqualTo(new ExactShap(inner, bg, 37).explain(xs[p]));
    }
  }

  @Test
  void rejectsTooManyFeatures() {
    assertThatThrownBy(
            () ->
                new ExactShap(
                    TestModels.linear(new double[17], 0), Background.of(gaussian(2, 17, 1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("16");
  }

  @Test
  void rejectsWrongPointWidth() {
    ExactShap shap =
        new ExactShap(TestModels.linear(new double[3], 0), Background.of(gaussian(2, 3, 1)));
    assertThatThrownBy(() -> shap.explain(new double[4]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
