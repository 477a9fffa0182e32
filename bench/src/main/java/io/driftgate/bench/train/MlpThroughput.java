package io.driftgate.bench.train;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.Shape;
import io.driftgate.trainer.Fitter;
import io.driftgate.trainer.ModelFactory;
import io.driftgate.trainer.TrainParams;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Training throughput (samples/s) of the tabular MLP through the trainer's own loop ({@link
 * Fitter#fit}) on preprocessed flight rows. Writes the same rows to a raw file so that {@code
 * bench/scripts/mlp_throughput.py} trains the same network on the same data in PyTorch-Python.
 *
 * <p>Options: {@code --rows} training rows (50000), {@code --batch} (256), {@code --hidden}
 * (64,32), {@code --epochs} timed epochs after one warm-up epoch (3), {@code --threads} libtorch
 * intra-op threads (1), {@code --seed} (7), {@code --spec} (examples/flight-delay/driftgate.yaml),
 * {@code --data} (bench/target/train-data.bin), {@code --out} JSON result
 * (bench/target/train-java.json).
 *
 * <p>Timed: the wall time of each epoch after the first as the fitter reports it ({@code
 * epoch_millis}: the shuffled mini-batch steps plus a validation pass over {@value #VALIDATION}
 * rows, which is under 1% of an epoch). SGD momentum 0.9, fixed lr 0.05, sigmoid cross-entropy.
 */
public final class MlpThroughput {
  static final int VALIDATION = 256;

  private MlpThroughput() {}

  public static void main(String[] argv) throws Exception {
    Args a = new Args(argv);
    int threads = a.getInt("threads", 1);
    // Before the engine loads.
    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    int rows = a.getInt("rows", 50_000);
    int batch = a.getInt("batch", 256);
    String hidden = a.get("hidden", "64,32");
    int epochs = a.getInt("epochs", 3);
    long seed = a.getLong("seed", 7);
    Path spec = Path.of(a.get("spec", "examples/flight-delay/driftgate.yaml"));
    Path dataFile = Path.of(a.get("data", "bench/target/train-data.bin"));
    Path out = Path.of(a.get("out", "bench/target/train-java.json"));

    long t0 = System.nanoTime();
    FlightTensors all = FlightTensors.generate(spec, seed, rows + VALIDATION + rows / 20);
    if (all.rows < rows + VALIDATION) {
      throw new IllegalStateException("only " + all.rows + " usable rows generated");
    }
    FlightTensors train = all.slice(0, rows);
    FlightTensors val = all.slice(rows, rows + VALIDATION);
    train.write(dataFile);
    System.out.printf(
        Locale.ROOT,
        "data: %d rows x %d columns (seed %d), prepared in %.1f s, written to %s%n",
        train.rows,
        train.cols,
        seed,
        (System.nanoTime() - t0) / 1e9,
        dataFile);

    TrainParams params =
        TrainParams.resolve(
            null,
            Map.of(
                "epochs", Integer.toString(epochs + 1),
                "batchSize", Integer.toString(batch),
                "hidden", hidden,
                "lr", "0.05",
                "momentum", "0.9",
                "optimizer", "sgd",
                "schedule", "fixed",
                "patience", "0",
                "model", "mlp",
                "seed", Long.toString(seed)));
    Shape shape = new Shape(train.cols);
    Fitter.Data trainData = new Fitter.Data(train.x, shape, train.labels);
    Fitter.Data valData = new Fitter.Data(val.x, shape, val.labels);
    Engine.getInstance().setRandomSeed((int) seed);
    List<Double> millis = new ArrayList<>();
    List<Double> cpuMillis = new ArrayList<>();
    List<Double> losses = new ArrayList<>();
    // The listener runs on the training thread; with one libtorch thread the intra-op work runs
    // on it too, so its CPU time is the epoch's compute, whatever else the machine is running.
    ThreadMXBean threadBean = ManagementFactory.getThreadMXBean();
    long[] lastCpu = {threadBean.getCurrentThreadCpuTime()};
    Fitter.Outcome outcome;
    try (Model model = Model.newInstance("mlp-bench")) {
      model.setBlock(ModelFactory.defaults().create("mlp", shape, 1, params));
      outcome =
          Fitter.fit(
              model,
              trainData,
              valData,
              2,
              params,
              (epoch, m) -> {
                millis.add(m.get("epoch_millis"));
                long cpu = threadBean.getCurrentThreadCpuTime();
                cpuMillis.add((cpu - lastCpu[0]) / 1e6);
                lastCpu[0] = cpu;
                losses.add(m.get("train_loss"));
                System.out.printf(
                    Locale.ROOT,
                    "epoch %d: %.0f ms (thread CPU %.0f ms), train loss %.4f%s%n",
                    epoch,
                    m.get("epoch_millis"),
                    cpuMillis.get(cpuMillis.size() - 1),
                    m.get("train_loss"),
                    epoch == 1 ? " (warm-up)" : "");
                return true;
              });
    }
    int rem = rows % batch;
    long perEpoch = rem > 0 && rem < 2 ? rows - rem : rows; // the fitter skips a 1-row batch
    double timedMillis = millis.stream().skip(1).mapToDouble(Double::doubleValue).sum();
    int timedEpochs = millis.size() - 1;
    double samplesPerSec = perEpoch * timedEpochs / (timedMillis / 1000.0);
    double[] sorted = millis.stream().skip(1).mapToDouble(Double::doubleValue).sorted().toArray();
    double medianMillis =
        sorted.length % 2 == 1
            ? sorted[sorted.length / 2]
            : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    double medianSamplesPerSec = perEpoch / (medianMillis / 1000.0);
    double timedCpuMillis = cpuMillis.stream().skip(1).mapToDouble(Double::doubleValue).sum();
    double cpuSamplesPerSec = perEpoch * timedEpochs / (timedCpuMillis / 1000.0);
    String engine = Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion();
    System.out.printf(
        Locale.ROOT,
        "DJL %s (%s), %d thread(s): %.0f samples/s over %d epoch(s) (%.2f s); median epoch:"
            + " %.0f samples/s; per thread-CPU second: %.0f samples/s; status %s%n",
        Engine.getDjlVersion(),
        engine,
        threads,
        samplesPerSec,
        timedEpochs,
        timedMillis / 1000.0,
        medianSamplesPerSec,
        cpuSamplesPerSec,
        outcome.status());
    String json =
        String.format(
            Locale.ROOT,
            "{\"side\":\"djl\",\"djl\":\"%s\",\"engine\":\"%s\",\"rows\":%d,\"cols\":%d,"
                + "\"batch\":%d,\"hidden\":\"%s\",\"epochs\":%d,\"threads\":%d,\"seed\":%d,"
                + "\"epoch_millis\":%s,\"train_loss\":%s,\"samples_per_sec\":%.1f,"
                + "\"samples_per_sec_median_epoch\":%.1f,\"epoch_cpu_millis\":%s,"
                + "\"samples_per_cpu_sec\":%.1f}%n",
            Engine.getDjlVersion(),
            engine,
            train.rows,
            train.cols,
            batch,
            hidden,
            timedEpochs,
            threads,
            seed,
            millis,
            losses,
            samplesPerSec,
            medianSamplesPerSec,
            cpuMillis,
            cpuSamplesPerSec);
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    Files.writeString(out, json);
  }
}
