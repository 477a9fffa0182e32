package io.driftgate.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The model and augmentation training parameters, and what the augmentations do to pixels. */
class AugmenterTest {
  private static final Shape IMAGE = new Shape(2, 3, 4);

  private static TrainParams params(Map<String, String> p) {
    return TrainParams.resolve(null, p);
  }

  /** Two channels of 3x4 with distinct values 1..24. */
  private static float[] image() {
    float[] x = new float[24];
    for (int i = 0; i < x.length; i++) {
      x[i] = i + 1;
    }
    return x;
  }

  @Test
  void modelAndAugmentationValuesAreValidatedWithKeyValueAndFix() {
    assertThat(params(Map.of("model", "BERT")).model()).isEqualTo("bert");
    assertThatThrownBy(() -> params(Map.of("model", "vit")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("model=vit")
        .hasMessageContaining("fix: one of [bert, cnn, mlp, resnet18]");
    assertThatThrownBy(() -> params(Map.of("augment", "flip,rotate")))
        .hasMessageContaining("augment=flip,rotate")
        .hasMessageContaining("'rotate'")
        .hasMessageContaining("fix:");
    assertThatThrownBy(() -> params(Map.of("shift", "-1")))
        .hasMessageContaining("shift=-1")
        .hasMessageContaining("fix:");
    assertThatThrownBy(() -> params(Map.of("sequenceLength", "1")))
        .hasMessageContaining("sequenceLength=1")
        .hasMessageContaining("fix:");
    assertThatThrownBy(() -> params(Map.of("vocabSize", "3")))
        .hasMessageContaining("vocabSize=3")
        .hasMessageContaining("fix:");
    assertThat(params(Map.of("augment", " Shift , flip ")).augment())
        .isEqualTo(Set.of("flip", "shift"));
    assertThat(params(Map.of()).augment()).isEmpty();
    assertThat(Augmenter.of(params(Map.of()), IMAGE)).isNull();
    assertThatThrownBy(() -> Augmenter.of(params(Map.of("augment", "flip")), new Shape(45)))
        .hasMessageContaining("augment=flip")
        .hasMessageContaining("needs image samples")
        .hasMessageContaining("fix: set augment=none");
  }

  @Test
  void flipMirrorsRowsAndShiftMovesPixelsWithZeroFill() {
    float[] original = image();
    // Flip only: every sample either unchanged or each row reversed, in every channel.
    Augmenter flip = Augmenter.of(params(Map.of("augment", "flip", "seed", "3")), IMAGE);
    int flipped = 0;
    for (int trial = 0; trial < 40; trial++) {
      float[] x = image();
      flip.apply(x, 1);
      if (!Arrays.equals(x, original)) {
        flipped++;
        for (int c = 0; c < 2; c++) {
          for (int r = 0; r < 3; r++) {
            for (int col = 0; col < 4; col++) {
              assertThat(x[c * 12 + r * 4 + col]).isEqualTo(original[c * 12 + r * 4 + (3 - col)]);
            }
          }
        }
      }
    }
    assertThat(flipped).isBetween(8, 32); // about half
    // Shift only: the sum of pixels never grows, each kept pixel keeps its neighbours.
    Augmenter shift = Augmenter.of(params(Map.of("augment", "shift", "shift", "1")), IMAGE);
    boolean moved = false;
    for (int trial = 0; trial < 20; trial++) {
      float[] x = image();
      shift.apply(x, 1);
      double sum = 0;
      for (float v : x) {
        sum += v;
      }
      assertThat(sum).isLessThanOrEqualTo(300.0); // 1 + ... + 24
      moved |= !Arrays.equals(x, original);
      // Find the displacement from one surviving pixel and check all pixels agree with it.
      for (int i = 0; i < x.length; i++) {
        if (x[i] != 0) {
          int src = (int) x[i] - 1;
          int dy = (i % 12) / 4 - (src % 12) / 4;
          int dx = (i % 4) - (src % 4);
          assertThat(Math.abs(dy)).isLessThanOrEqualTo(1);
          assertThat(Math.abs(dx)).isLessThanOrEqualTo(1);
          assertThat(i / 12).isEqualTo(src / 12); // same channel
        }
      }
    }
    assertThat(moved).isTrue();
  }

  @Test
  void theSameSeedGivesTheSameAugmentations() {
    TrainParams p = params(Map.of("augment", "flip,shift", "seed", "11"));
    float[] a = new float[24 * 5];
    float[] b = new float[24 * 5];
    for (int i = 0; i < a.length; i++) {
      a[i] = b[i] = i % 7;
    }
    Augmenter.of(p, IMAGE).apply(a, 5);
    Augmenter.of(p, IMAGE).apply(b, 5);
    assertThat(a).isEqualTo(b);
  }

  /** Validation loss per epoch of a tiny CNN on seeded 1x8x8 images, with {@code augment}. */
  private static List<Double> fit(String augment) {
    Random r = new Random(5);
    Shape shape = new Shape(1, 8, 8);
    float[] x = new float[96 * 64];
    int[] y = new int[96];
    for (int i = 0; i < 96; i++) {
      y[i] = r.nextInt(2);
      for (int j = 0; j < 64; j++) {
        // class 1 is brighter on the left half
        x[i * 64 + j] = (float) (r.nextGaussian() * 0.3 + (y[i] == 1 && j % 8 < 4 ? 1 : 0));
      }
    }
    Fitter.Data train = new Fitter.Data(Arrays.copyOf(x, 64 * 64), shape, Arrays.copyOf(y, 64));
    Fitter.Data val =
        new Fitter.Data(
            Arrays.copyOfRange(x, 64 * 64, 96 * 64), shape, Arrays.copyOfRange(y, 64, 96));
    TrainParams p =
        params(
            Map.of(
                "model", "cnn",
                "epochs", "2",
                "batchSize", "16",
                "patience", "0",
                "augment", augment,
                "seed", "4"));
    Engine.getInstance().setRandomSeed(4);
    try (Model model = Model.newInstance("aug")) {
      model.setBlock(ModelFactory.defaults().create("cnn", shape, 1, p));
      return Fitter.fit(model, train, val, 2, p, null).history().stream()
          .map(m -> m.get("val_loss"))
          .toList();
    }
  }

  @Test
  void augmentedTrainingIsReproducibleAndDiffersFromPlainTraining() {
    List<Double> augmented = fit("flip,shift");
    assertThat(augmented).hasSize(2).allSatisfy(v -> assertThat(v).isFinite());
    assertThat(fit("flip,shift")).isEqualTo(augmented);
    assertThat(fit("none")).isNotEqualTo(augmented);
  }
}
