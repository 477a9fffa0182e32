package io.driftgate.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.driftgate.core.stats.Metrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The trainer's loop ({@link Fitter#fit}: device-resident rows gathered per batch, the direct
 * optimizer step) computes what the plain DJL loop computes: the reference below copies each batch
 * from the heap, steps through {@code Trainer.step()} (DJL's parameter server and its {@code
 * Sgd}/{@code Adam}) and reads the loss with {@code getFloat()}, as the fitter did before it was
 * made faster. Same seed, same data: every epoch's metrics must be equal, not close.
 */
class FitterEquivalenceTest {

  /** Seeded rows whose class follows a few features, plus noise; {@code classes} classes. */
  private static Fitter.Data data(int n, Shape sampleShape, int classes, long seed) {
    Random rng = new Random(seed);
    int w = Math.toIntExact(sampleShape.size());
    float[] x = new float[n * w];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int j = 0; j < w; j++) {
        x[i * w + j] = (float) rng.nextGaussian();
        s += (j % 3 == 0 ? 1 : -0.5) * x[i * w + j];
      }
      double noisy = s + rng.nextGaussian();
      y[i] = classes == 2 ? (noisy > 0 ? 1 : 0) : (int) Math.floorMod(Math.round(noisy), classes);
    }
    return new Fitter.Data(x, sampleShape, y);
  }

  private static TrainParams params(Map<String, String> p) {
    Map<String, String> m = new HashMap<>(p);
    m.putIfAbsent("patience", "0");
    m.putIfAbsent("seed", "11");
    return TrainParams.resolve(null, m);
  }

  private static Fitter.Outcome fitter(
      String model, Fitter.Data train, Fitter.Data val, int classes, TrainParams p) {
    Engine.getInstance().setRandomSeed(5);
    try (Model m = Model.newInstance("fitter")) {
      m.setBlock(
          ModelFactory.defaults()
              .create(model, train.sampleShape(), classes == 2 ? 1 : classes, p));
      return Fitter.fit(m, train, val, classes, p, null);
    }
  }

  /**
   * The plain loop: per epoch the same seeded shuffle, batches copied from the heap, forward, loss,
   * backward, {@code trainer.step()}; a trailing batch of one row skipped. Returns per epoch the
   * train loss and the validation metrics.
   */
  private static List<Map<String, Double>> reference(
      String model, Fitter.Data train, Fitter.Data val, int classes, TrainParams p) {
    boolean binary = classes == 2;
    int batch = Math.min(p.batchSize(), train.size());
    int steps = (train.size() + batch - 1) / batch;
    Tracker lr = Fitter.tracker(p, steps);
    Optimizer optimizer =
        "adam".equals(p.optimizer())
            ? Optimizer.adam().optLearningRateTracker(lr).build()
            : Optimizer.sgd().setLearningRateTracker(lr).optMomentum((float) p.momentum()).build();
    Loss loss = binary ? new BinaryLogitLoss() : Loss.softmaxCrossEntropyLoss();
    Device device = Engine.getInstance().getDevices()[0];
    Augmenter augmenter = Augmenter.of(p, train.sampleShape());
    int w = Math.toIntExact(train.sampleShape().size());
    List<Map<String, Double>> history = new ArrayList<>();
    Engine.getInstance().setRandomSeed(5);
    try (Model m = Model.newInstance("reference")) {
      m.setBlock(
          ModelFactory.defaults().create(model, train.sampleShape(), binary ? 1 : classes, p));
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(loss).optOptimizer(optimizer).optDevices(new Device[] {device});
      try (ai.djl.training.Trainer trainer = m.newTrainer(config)) {
        trainer.initialize(new Shape(batch).addAll(train.sampleShape()));
        Random shuffle = new Random(p.seed());
        int[] order = new int[train.size()];
        Arrays.setAll(order, i -> i);
        for (int epoch = 0; epoch < p.epochs(); epoch++) {
          Fitter.shuffleInPlace(order, shuffle);
          double sum = 0;
          long seen = 0;
          for (int b = 0; b < steps; b++) {
            int from = b * batch;
            int n = Math.min(train.size(), from + batch) - from;
            if (n < 2) {
              continue;
            }
            float[] x = new float[n * w];
            float[] y = new float[n];
            for (int i = 0; i < n; i++) {
              System.arraycopy(train.x(), order[from + i] * w, x, i * w, w);
              y[i] = train.labels()[order[from + i]];
            }
            if (augmenter != null) {
              augmenter.apply(x, n);
            }
            try (NDManager bm = trainer.getManager().newSubManager();
                GradientCollector collector = trainer.newGradientCollector()) {
              NDArray xs = bm.create(x, new Shape(n).addAll(train.sampleShape()));
              NDArray ys = bm.create(y, binary ? new Shape(n, 1) : new Shape(n));
              NDArray l = loss.evaluate(new NDList(ys), trainer.forward(new NDList(xs)));
              collector.backward(l);
              sum += l.getFloat() * n;
            }
            trainer.step();
            seen += n;
          }
          float[] probs = Fitter.predict(m, val, classes, batch, device);
          Map<String, Double> metrics =
              new HashMap<>(
                  binary
                      ? Metrics.trainingReport(probs, val.labels())
                      : Metrics.multiclassReport(probs, val.labels(), classes));
          metrics.put("train_loss", sum / seen);
          history.add(metrics);
        }
      }
    }
    return history;
  }

  private static void assertSameRun(
      String model, Fitter.Data train, Fitter.Data val, int classes, Map<String, String> p) {
    TrainParams params = params(p);
    List<Map<String, Double>> expected = reference(model, train, val, classes, params);
    Fitter.Outcome actual = fitter(model, train, val, classes, params);
    assertThat(actual.status()).isEqualTo(TrainResult.Status.COMPLETED);
    assertThat(actual.history()).hasSameSizeAs(expected).hasSize(params.epochs());
    for (int e = 0; e < expected.size(); e++) {
      Map<String, Double> got = actual.history().get(e);
      Map<String, Double> want = expected.get(e);
      String where = model + " " + p + ", epoch " + (e + 1);
      assertThat(got.get("train_loss")).as(where + " train_loss").isFinite();
      assertThat(got.get("train_loss")).as(where + " train_loss").isEqualTo(want.get("train_loss"));
      assertThat(got.get("val_loss")).as(where + " val_loss").isEqualTo(want.get("log_loss"));
      assertThat(got.get("val_accuracy"))
          .as(where + " val_accuracy")
          .isEqualTo(want.get("accuracy"));
      if (classes == 2) {
        assertThat(got.get("val_auc")).as(where + " val_auc").isEqualTo(want.get("roc_auc"));
      }
    }
    // The runs learn (so that the comparison is not between two untrained models).
    assertThat(actual.history().get(params.epochs() - 1).get("train_loss"))
        .isLessThan(actual.history().get(0).get("train_loss"));
  }

  @Test
  void binaryMlpWithMomentumAndACosineScheduleMatchesThePlainLoop() {
    // 577 rows, batch 32: a trailing batch of one row, which both skip.
    assertSameRun(
        "mlp",
        data(577, new Shape(12), 2, 1),
        data(200, new Shape(12), 2, 2),
        2,
        Map.of(
            "epochs", "3",
            "batchSize", "32",
            "hidden", "16,8",
            "lr", "0.05",
            "momentum", "0.9",
            "optimizer", "sgd",
            "schedule", "cosine"));
  }

  @Test
  void multiclassMlpWithoutMomentumAndAFactorScheduleMatchesThePlainLoop() {
    assertSameRun(
        "mlp",
        data(480, new Shape(10), 3, 3),
        data(150, new Shape(10), 3, 4),
        3,
        Map.of(
            "epochs", "3",
            "batchSize", "64",
            "hidden", "16",
            "lr", "0.1",
            "momentum", "0",
            "optimizer", "sgd",
            "schedule", "factor"));
  }

  @Test
  void adamMatchesThePlainLoop() {
    assertSameRun(
        "mlp",
        data(400, new Shape(8), 2, 5),
        data(120, new Shape(8), 2, 6),
        2,
        Map.of(
            "epochs", "3",
            "batchSize", "50",
            "hidden", "16",
            "lr", "0.01",
            "optimizer", "adam",
            "schedule", "fixed"));
  }

  @Test
  void augmentedCnnOnImagesMatchesThePlainLoop() {
    // Image rows are gathered flat and viewed as 1x8x8; batch norm's running statistics are
    // parameters without gradients, which the direct step must leave alone.
    assertSameRun(
        "cnn",
        data(96, new Shape(1, 8, 8), 2, 7),
        data(32, new Shape(1, 8, 8), 2, 8),
        2,
        Map.of(
            "epochs", "2",
            "batchSize", "16",
            "lr", "0.05",
            "momentum", "0.9",
            "optimizer", "sgd",
            "schedule", "fixed",
            "augment", "flip,shift"));
  }
}
