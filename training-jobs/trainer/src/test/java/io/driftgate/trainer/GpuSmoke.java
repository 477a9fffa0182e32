package io.driftgate.trainer;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.Shape;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

/**
 * Manual device check (not a unit test): {@code export FILE} writes an MNIST subset as bytes;
 * {@code run FILE} trains the MLP, the CNN and ResNet-18 with {@link Fitter} on every device DJL
 * offers and prints devices, timings, throughput (samples/s; images/s for the CNN and ResNet-18)
 * and metrics. Used by {@code scripts/gpu-check.sh} and {@code deploy/scripts/gpu-check.sh}, which
 * sets {@value GpuGuard#GPUS_REQUIRED_ENV} so that a run without a visible GPU fails.
 */
public final class GpuSmoke {
  private GpuSmoke() {}

  public static void main(String[] args) throws IOException {
    if (args[0].equals("export")) {
      Fitter.Data d = MnistDigits.take(0, 300);
      try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(Path.of(args[1])))) {
        out.writeInt(d.size());
        for (int i = 0; i < d.size(); i++) {
          out.writeByte(d.labels()[i]);
          for (int j = 0; j < 784; j++) {
            out.writeByte(Math.round(d.x()[i * 784 + j] * 255));
          }
        }
      }
      return;
    }
    // as in a training pod that requested a GPU: no silent CPU fallback
    GpuGuard.requireRequestedGpus();
    Engine e = Engine.getInstance();
    System.out.printf(
        "engine %s %s, djl %s, gpus %d, devices %s%n",
        e.getEngineName(),
        e.getVersion(),
        Engine.getDjlVersion(),
        e.getGpuCount(),
        Arrays.toString(e.getDevices()));

    // Tabular: 200k rows, linear rule with noise; twice with the same seed.
    boolean quick = args.length > 2 && args[2].equals("quick");
    Fitter.Data[] tab = linear(quick ? 12_000 : 240_000, 32, 1);
    for (int run = 0; run < 2; run++) {
      report(
          "mlp",
          tab[0].size(),
          fit(
              "mlp",
              tab[0],
              tab[1],
              2,
              Map.of("epochs", "3", "batchSize", "1024", "hidden", "256,128", "lr", "0.05")));
    }

    Fitter.Data all = read(Path.of(args[1]));
    int n = quick ? 240 : all.size();
    int cut = n * 5 / 6;
    Fitter.Data train = slice(all, 0, cut);
    Fitter.Data val = slice(all, cut, n);
    report(
        "cnn",
        train.size(),
        fit(
            "cnn",
            train,
            val,
            10,
            Map.of("epochs", "5", "batchSize", "64", "optimizer", "adam", "lr", "0.002")));
    report(
        "resnet18",
        train.size(),
        fit(
            "resnet18",
            train,
            val,
            10,
            Map.of(
                "epochs",
                "5",
                "batchSize",
                "128",
                "optimizer",
                "adam",
                "lr",
                "0.001",
                "patience",
                "0")));
  }

  private static Fitter.Outcome fit(
      String model, Fitter.Data train, Fitter.Data val, int classes, Map<String, String> p) {
    TrainParams params = TrainParams.resolve(null, p);
    Engine.getInstance().setRandomSeed(7);
    try (Model m = Model.newInstance(model)) {
      m.setBlock(
          ModelFactory.defaults()
              .create(model, train.sampleShape(), classes == 2 ? 1 : classes, params));
      return Fitter.fit(m, train, val, classes, params, null);
    }
  }

  private static void report(String name, int trainSamples, Fitter.Outcome o) {
    double perSecond =
        o.trainMillis() == 0 ? 0 : trainSamples * (double) o.epochsRun() * 1000 / o.trainMillis();
    System.out.printf(
        "%s: status %s epochs %d, %d ms on %s, %.0f %s/s, metrics %s%n  epoch ms %s%n",
        name,
        o.status(),
        o.epochsRun(),
        o.trainMillis(),
        o.devices(),
        perSecond,
        name.equals("mlp") ? "rows" : "images",
        o.validationMetrics(),
        o.history().stream().map(h -> Math.round(h.get("epoch_millis"))).toList());
  }

  private static Fitter.Data[] linear(int n, int d, long seed) {
    Random rng = new Random(seed);
    float[] x = new float[n * d];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      double s = rng.nextGaussian() * 0.5;
      for (int j = 0; j < d; j++) {
        x[i * d + j] = (float) rng.nextGaussian();
        s += (j % 3 - 1) * x[i * d + j] + (j == 0 ? x[i * d + 1] * x[i * d + j] : 0);
      }
      y[i] = s > 0 ? 1 : 0;
    }
    Fitter.Data all = new Fitter.Data(x, new Shape(d), y);
    return new Fitter.Data[] {slice(all, 0, n * 5 / 6), slice(all, n * 5 / 6, n)};
  }

  private static Fitter.Data slice(Fitter.Data d, int from, int to) {
    int w = Math.toIntExact(d.sampleShape().size());
    return new Fitter.Data(
        Arrays.copyOfRange(d.x(), from * w, to * w),
        d.sampleShape(),
        Arrays.copyOfRange(d.labels(), from, to));
  }

  private static Fitter.Data read(Path file) throws IOException {
    try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
      int n = in.readInt();
      float[] x = new float[n * 784];
      int[] y = new int[n];
      for (int i = 0; i < n; i++) {
        y[i] = in.readUnsignedByte();
        for (int j = 0; j < 784; j++) {
          x[i * 784 + j] = in.readUnsignedByte() / 255f;
        }
      }
      return new Fitter.Data(x, MnistDigits.SHAPE, y);
    }
  }
}
