package io.driftgate.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The image architectures on real MNIST digits. */
class ImageModelsTest {

  @Test
  void digitsAreReal() {
    List<float[]> d = MnistDigits.byClass();
    assertThat(d).hasSize(10);
    for (float[] c : d) {
      assertThat(c.length / 784).isGreaterThan(800);
    }
  }

  @Test
  void cnnLearnsDigits() {
    Fitter.Data train = MnistDigits.take(0, 150);
    Fitter.Data val = MnistDigits.take(600, 50);
    TrainParams params =
        TrainParams.resolve(
            null,
            Map.of(
                "model", "cnn",
                "optimizer", "adam",
                "lr", "0.002",
                "epochs", "3",
                "batchSize", "32",
                "patience", "0"));
    Engine.getInstance().setRandomSeed(3);
    Fitter.Outcome o;
    try (Model model = Model.newInstance("cnn")) {
      model.setBlock(ModelFactory.defaults().create("cnn", MnistDigits.SHAPE, 10, params));
      o = Fitter.fit(model, train, val, 10, params, null);
    }
    System.out.printf(
        "cnn on mnist: top1 %.3f top5 %.3f, %d ms, history %s%n",
        o.validationMetrics().get("top1"),
        o.validationMetrics().get("top5"),
        o.trainMillis(),
        o.history());
    assertThat(o.history().get(2).get("train_loss"))
        .isLessThan(o.history().get(0).get("train_loss"));
    assertThat(o.validationMetrics().get("top1")).isGreaterThan(0.8);
    assertThat(o.validationMetrics().get("top5"))
        .isGreaterThanOrEqualTo(o.validationMetrics().get("top1"));
    assertThat(o.validationMetrics().get("top5")).isGreaterThan(0.95);
  }

  @Test
  void resnet18ForwardAndBackwardOnDigits() {
    Fitter.Data batch = MnistDigits.take(0, 2); // 20 digits, 2 per class
    TrainParams params = TrainParams.resolve(null, Map.of("model", "resnet18"));
    Engine.getInstance().setRandomSeed(5);
    Block block = ModelFactory.defaults().create("resnet18", MnistDigits.SHAPE, 10, params);
    List<Float> losses = new ArrayList<>();
    try (Model model = Model.newInstance("resnet18")) {
      model.setBlock(block);
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
              .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build())
              .optDevices(Engine.getInstance().getDevices(1));
      try (ai.djl.training.Trainer trainer = model.newTrainer(config);
          NDManager m = trainer.getManager().newSubManager()) {
        Shape input = new Shape(batch.size()).addAll(MnistDigits.SHAPE);
        trainer.initialize(input);
        long params18 =
            block.getParameters().values().stream()
                .filter(p -> p.requiresGradient())
                .mapToLong(p -> p.getArray().size())
                .sum();
        // ResNet-18 (basic blocks [2,2,2,2], 64..512 filters), 1 input channel, 10 classes.
        assertThat(params18).isBetween(11_000_000L, 11_300_000L);
        NDArray x = m.create(batch.x(), input);
        float[] yf = new float[batch.size()];
        for (int i = 0; i < yf.length; i++) {
          yf[i] = batch.labels()[i];
        }
        NDArray y = m.create(yf);
        for (int step = 0; step < 3; step++) {
          try (GradientCollector gc = trainer.newGradientCollector()) {
            NDList out = trainer.forward(new NDList(x));
            assertThat(out.singletonOrThrow().getShape()).isEqualTo(new Shape(batch.size(), 10));
            NDArray l = trainer.getLoss().evaluate(new NDList(y), out);
            gc.backward(l);
            losses.add(l.getFloat());
          }
          trainer.step();
        }
      }
    }
    System.out.println("resnet18 losses on 20 digits: " + losses);
    assertThat(losses).allMatch(Float::isFinite);
    assertThat(losses.get(losses.size() - 1)).isLessThan(losses.get(0));
  }
}
