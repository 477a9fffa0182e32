package io.driftgate.core.explain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Efficiency and planted-signal tests for patch and token attributions. */
class UnstructuredAttributionTest {

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  @Test
  void aPlantedPatchGetsTheTopValueAndValuesSumToTheOutputGap() {
    int h = 8;
    int w = 8;
    // A model that looks at the bright 2x2 patch at rows 4-5, columns 2-3 (patch 10 of a 4x4 grid
    // of 2x2 patches), plus a little at everything else, with an interaction term.
    BatchModel model =
        rows -> {
          double[] out = new double[rows.length];
          for (int r = 0; r < rows.length; r++) {
            double[] x = rows[r];
            double planted = x[4 * w + 2] + x[4 * w + 3] + x[5 * w + 2] + x[5 * w + 3];
            double rest = 0;
            for (double v : x) {
              rest += v;
            }
            rest -= planted;
            out[r] = sigmoid(2 * planted + 0.05 * rest + 0.3 * planted * x[0] - 3);
          }
          return out;
        };
    double[] x = new double[h * w];
    for (int i = 0; i < x.length; i++) {
      x[i] = 0.5 + 0.1 * Math.sin(i);
    }
    double[] baseline = new double[h * w];
    for (int pairs : new int[] {0, 64}) {
      // 16 patches: exact; 2x2 patches of 1-pixel... use patch 1 (64 players) for the sampled path
      int patch = pairs == 0 ? 2 : 1;
      Explanation e = UnstructuredAttribution.patches(model, x, baseline, 1, h, w, patch, pairs, 7);
      double gap =
          model.predict(new double[][] {x})[0] - model.predict(new double[][] {baseline})[0];
      assertThat(e.sum()).isCloseTo(gap, org.assertj.core.data.Offset.offset(1e-6));
      int top = UnstructuredAttribution.top(e.phi(), 1)[0];
      if (patch == 2) {
        assertThat(e.phi()).hasSize(16);
        assertThat(top).isEqualTo(2 * 4 + 1);
      } else {
        assertThat(e.phi()).hasSize(64);
        assertThat(top).isIn(4 * w + 2, 4 * w + 3, 5 * w + 2, 5 * w + 3);
      }
    }
  }

  @Test
  void aPlantedTokenGetsTheTopValueAndSpecialPositionsGetNothing() {
    int cls = 2;
    int sep = 3;
    int mask = 4;
    int planted = 17;
    // [CLS] t t t planted t [SEP] [PAD] [PAD]: the model scores the planted id and, weakly, the
    // number of real tokens.
    double[] ids = {cls, 9, 11, 12, planted, 13, sep, 0, 0};
    BatchModel model =
        rows -> {
          double[] out = new double[rows.length];
          for (int r = 0; r < rows.length; r++) {
            double z = -2;
            for (double v : rows[r]) {
              if (v == planted) {
                z += 3;
              } else if (v > mask) {
                z += 0.1;
              }
            }
            out[r] = sigmoid(z);
          }
          return out;
        };
    Explanation e = UnstructuredAttribution.tokens(model, ids, mask, id -> id <= mask, 32, 11);
    double[] masked = {cls, mask, mask, mask, mask, mask, sep, 0, 0};
    double gap = model.predict(new double[][] {ids})[0] - model.predict(new double[][] {masked})[0];
    assertThat(e.sum()).isCloseTo(gap, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(e.phi()).hasSize(ids.length);
    assertThat(UnstructuredAttribution.top(e.phi(), 1)[0]).isEqualTo(4);
    for (int special : new int[] {0, 6, 7, 8}) {
      assertThat(e.phi(special)).isZero();
    }
    // Seeded: the same call gives the same values.
    assertThat(UnstructuredAttribution.tokens(model, ids, mask, id -> id <= mask, 32, 11).phi())
        .isEqualTo(e.phi());
  }
}
