package io.driftgate.bench.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.driftgate.trainer.ModelFactory;
import io.driftgate.trainer.TrainParams;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Reference number: ResNet-18 ({@link ModelFactory} {@code resnet18}) forward + backward + SGD
 * step, images/s on the CPU, on seeded random images with 10 classes. 32x32 takes the ImageNet stem
 * (7x7 stride 2 and max-pool); under 32 pixels (28x28) the 3x3 stem without down-sampling, which
 * costs far more per image.
 *
 * <p>Options: {@code --sizes} (32,28), {@code --channels} (3), {@code --batch} (16), {@code
 * --warmup} steps (2), {@code --steps} timed steps (5), {@code --threads} (1), {@code --seed} (7).
 */
public final class ResNetThroughput {
  private ResNetThroughput() {}

  public static void main(String[] argv) {
    Args a = new Args(argv);
    int threads = a.getInt("threads", 1);
    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    int channels = a.getInt("channels", 3);
    int batch = a.getInt("batch", 16);
    int warmup = a.getInt("warmup", 2);
    int steps = a.getInt("steps", 5);
    long seed = a.getLong("seed", 7);
    int classes = 10;
    Engine.getInstance().setRandomSeed((int) seed);
    for (String s : a.get("sizes", "32,28").split(",")) {
      int size = Integer.parseInt(s.trim());
      Shape sample = new Shape(channels, size, size);
      TrainParams params =
          TrainParams.resolve(null, Map.of("model", "resnet18", "seed", Long.toString(seed)));
      Random rng = new Random(seed + size);
      float[] x = new float[Math.toIntExact(batch * sample.size())];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) rng.nextGaussian();
      }
      float[] y = new float[batch];
      for (int i = 0; i < batch; i++) {
        y[i] = rng.nextInt(classes);
      }
      try (Model model = Model.newInstance("resnet18-bench")) {
        model.setBlock(ModelFactory.defaults().create("resnet18", sample, classes, params));
        DefaultTrainingConfig config =
            new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(
                    Optimizer.sgd()
                        .setLearningRateTracker(Tracker.fixed(0.01f))
                        .optMomentum(0.9f)
                        .build())
                .optDevices(new Device[] {Device.cpu()});
        try (Trainer trainer = model.newTrainer(config)) {
          trainer.initialize(new Shape(batch).addAll(sample));
          long start = 0;
          float last = Float.NaN;
          for (int step = 0; step < warmup + steps; step++) {
            if (step == warmup) {
              start = System.nanoTime();
            }
            try (NDManager bm = trainer.getManager().newSubManager();
                GradientCollector gc = trainer.newGradientCollector()) {
              NDArray xs = bm.create(x, new Shape(batch).addAll(sample));
              NDArray ys = bm.create(y, new Shape(batch));
              NDList pred = trainer.forward(new NDList(xs));
              NDArray l = trainer.getLoss().evaluate(new NDList(ys), pred);
              gc.backward(l);
              last = l.getFloat();
            }
            trainer.step();
          }
          double secs = (System.nanoTime() - start) / 1e9;
          System.out.printf(
              Locale.ROOT,
              "resnet18 %dx%dx%d batch %d, %d thread(s): %.1f images/s (%d steps in %.2f s after"
                  + " %d warm-up, last loss %.3f) [DJL %s, %s %s]%n",
              channels,
              size,
              size,
              batch,
              threads,
              batch * steps / secs,
              steps,
              secs,
              warmup,
              last,
              Engine.getDjlVersion(),
              Engine.getInstance().getEngineName(),
              Engine.getInstance().getVersion());
        }
      }
    }
  }
}
