package io.driftgate.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EarlyStoppingTest {

  /** Labels independent of the features: validation loss cannot improve for long. */
  private static Fitter.Data noise(int n, int d, long seed) {
    Random rng = new Random(seed);
    float[] x = new float[n * d];
    int[] y = new int[n];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rng.nextGaussian();
    }
    for (int i = 0; i < n; i++) {
      y[i] = rng.nextInt(2);
    }
    return new Fitter.Data(x, new Shape(d), y);
  }

  /** Labels given by the sign of a linear function: validation loss keeps improving. */
  private static Fitter.Data linear(int n, int d, long seed) {
    Random rng = new Random(seed);
    float[] x = new float[n * d];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int j = 0; j < d; j++) {
        x[i * d + j] = (float) rng.nextGaussian();
        s += (j % 2 == 0 ? 1 : -1) * x[i * d + j];
      }
      y[i] = s > 0 ? 1 : 0;
    }
    return new Fitter.Data(x, new Shape(d), y);
  }

  private static Fitter.Outcome fit(Fitter.Data train, Fitter.Data val, Map<String, String> p) {
    TrainParams params = TrainParams.resolve(null, p);
    Engine.getInstance().setRandomSeed(1);
    try (Model model = Model.newInstance("es")) {
      model.setBlock(ModelFactory.defaults().create("mlp", train.sampleShape(), 1, params));
      return Fitter.fit(model, train, val, 2, params, null);
    }
  }

  @Test
  void stopsOnAPlateauAndKeepsTheBestEpoch() {
    Fitter.Outcome o =
        fit(
            noise(2000, 20, 1),
            noise(500, 20, 2),
            Map.of(
                "epochs", "40",
                "patience", "3",
                "optimizer", "adam",
                "lr", "0.01",
                "schedule", "fixed",
                "hidden", "64",
                "batchSize", "64"));
    assertThat(o.status()).isEqualTo(TrainResult.Status.EARLY_STOPPED);
    assertThat(o.epochsRun()).isLessThan(40);
    assertThat(o.bestEpoch()).isEqualTo(o.epochsRun() - 3);
    double bestValLoss = o.history().get(o.bestEpoch() - 1).get("val_loss");
    // The restored parameters are the best epoch's: same validation loss.
    assertThat(o.validationMetrics().get("log_loss"))
        .isCloseTo(bestValLoss, org.assertj.core.api.Assertions.within(1e-5));
    for (int e = o.bestEpoch(); e < o.epochsRun(); e++) {
      assertThat(o.history().get(e).get("val_loss")).isGreaterThan(bestValLoss - 1e-4);
    }
  }

  @Test
  void keepsTrainingWhileValidationImproves() {
    Fitter.Outcome o =
        fit(
            linear(2000, 10, 3),
            linear(500, 10, 4),
            Map.of("epochs", "6", "patience", "2", "lr", "0.05", "batchSize", "64"));
    assertThat(o.status()).isEqualTo(TrainResult.Status.COMPLETED);
    assertThat(o.epochsRun()).isEqualTo(6);
    assertThat(o.validationMetrics().get("accuracy")).isGreaterThan(0.9);
    assertThat(o.history().get(5).get("lr")).isLessThan(o.history().get(0).get("lr"));
  }
}
