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
import io.driftgate.trainer.text.BertClassifier;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Training throughput of driftgate's image and text models on the CPU: ResNet-18 images/s ({@link
 * ModelFactory} {@code resnet18}) and the BERT encoder's tokens/s ({@link BertClassifier}, model
 * {@code bert}). One step is forward, softmax cross-entropy, backward, SGD momentum update and the
 * loss read back, on seeded random inputs; {@code bench/scripts/model_throughput.py} runs the same
 * networks (mirrored layer for layer), shapes, batch and threads in PyTorch-Python.
 *
 * <p>Options: {@code --model} resnet18|bert (required), {@code --size} image side (32), {@code
 * --channels} (3), {@code --length} tokens per sample (64), {@code --vocab} (2000), {@code
 * --embedding} (128), {@code --layers} (2), {@code --heads} (4), {@code --batch} (16), {@code
 * --warmup} steps (2), {@code --steps} timed steps (10), {@code --threads} (1), {@code --seed} (7),
 * {@code --out} a JSON result file. Text input: random ids, the second half of the batch padded (id
 * 0) over its last quarter, as the Python side does. Timed: wall clock and the training thread's
 * CPU time (with one libtorch thread the compute runs on it).
 */
public final class ModelThroughput {
  private ModelThroughput() {}

  public static void main(String[] argv) throws Exception {
    Args a = new Args(argv);
    int threads = a.getInt("threads", 1);
    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    String name = a.get("model", "");
    int batch = a.getInt("batch", 16);
    int warmup = a.getInt("warmup", 2);
    int steps = a.getInt("steps", 10);
    long seed = a.getLong("seed", 7);
    Random rng = new Random(seed);
    Shape sample;
    float[] x;
    int classes;
    int perSample;
    String unit;
    ModelFactory factory = ModelFactory.defaults();
    TrainParams params;
    switch (name) {
      case "resnet18" -> {
        int size = a.getInt("size", 32);
        sample = new Shape(a.getInt("channels", 3), size, size);
        x = new float[Math.toIntExact(batch * sample.size())];
        for (int i = 0; i < x.length; i++) {
          x[i] = (float) rng.nextGaussian();
        }
        classes = 10;
        perSample = 1;
        unit = "images";
        params = TrainParams.resolve(null, Map.of("model", "resnet18"));
      }
      case "bert" -> {
        int length = a.getInt("length", 64);
        int vocab = a.getInt("vocab", 2000);
        sample = new Shape(length);
        x = new float[batch * length];
        for (int i = 0; i < batch; i++) {
          for (int j = 0; j < length; j++) {
            boolean pad = i >= batch / 2 && j >= length * 3 / 4;
            x[i * length + j] = pad ? 0 : 1 + rng.nextInt(vocab - 1);
          }
        }
        classes = 2;
        perSample = length;
        unit = "tokens";
        factory.register("bert", BertClassifier.architecture(vocab));
        params =
            TrainParams.resolve(
                null,
                Map.of(
                    "model", "bert",
                    "embedding", a.get("embedding", "128"),
                    "layers", a.get("layers", "2"),
                    "heads", a.get("heads", "4")));
      }
      default -> throw new IllegalArgumentException("--model must be resnet18 or bert: " + name);
    }
    float[] y = new float[batch];
    for (int i = 0; i < batch; i++) {
      y[i] = rng.nextInt(classes);
    }
    Engine.getInstance().setRandomSeed((int) seed);
    ThreadMXBean threadBean = ManagementFactory.getThreadMXBean();
    try (Model model = Model.newInstance(name + "-bench")) {
      // Two logits for text too: the Python twin uses softmax cross-entropy for both models.
      model.setBlock(factory.create(name, sample, classes, params));
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
        long wall = 0;
        long cpu = 0;
        float last = Float.NaN;
        for (int step = 0; step < warmup + steps; step++) {
          if (step == warmup) {
            wall = System.nanoTime();
            cpu = threadBean.getCurrentThreadCpuTime();
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
        double wallSec = (System.nanoTime() - wall) / 1e9;
        double cpuSec = (threadBean.getCurrentThreadCpuTime() - cpu) / 1e9;
        double done = (double) batch * perSample * steps;
        System.out.printf(
            Locale.ROOT,
            "DJL %s (%s %s) %s %s batch %d, %d thread(s): %.1f %s/s (%d steps in %.2f s after %d"
                + " warm-up; per thread-CPU second %.1f), last loss %.3f%n",
            Engine.getDjlVersion(),
            Engine.getInstance().getEngineName(),
            Engine.getInstance().getVersion(),
            name,
            sample,
            batch,
            threads,
            done / wallSec,
            unit,
            steps,
            wallSec,
            warmup,
            done / cpuSec,
            last);
        String out = a.get("out", "");
        if (!out.isEmpty()) {
          Files.writeString(
              Path.of(out),
              String.format(
                  Locale.ROOT,
                  "{\"side\":\"djl\",\"djl\":\"%s\",\"engine\":\"%s %s\",\"model\":\"%s\","
                      + "\"sample\":\"%s\",\"batch\":%d,\"threads\":%d,\"steps\":%d,"
                      + "\"unit\":\"%s\",\"per_sec\":%.2f,\"per_cpu_sec\":%.2f,"
                      + "\"wall_sec\":%.3f,\"last_loss\":%.4f}%n",
                  Engine.getDjlVersion(),
                  Engine.getInstance().getEngineName(),
                  Engine.getInstance().getVersion(),
                  name,
                  sample,
                  batch,
                  threads,
                  steps,
                  unit,
                  done / wallSec,
                  done / cpuSec,
                  wallSec,
                  last));
        }
      }
    }
  }
}
