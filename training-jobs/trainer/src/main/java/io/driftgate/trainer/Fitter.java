package io.driftgate.trainer;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * The DJL training loop on in-memory tensors: seeded shuffling, SGD (momentum) or Adam with a
 * cosine / factor / fixed learning-rate schedule, data-parallel over every device the engine offers
 * (all GPUs, else the CPU), early stopping on validation loss with patience (the best epoch's
 * parameters are restored), a per-epoch {@link EpochListener} and the fault hooks of {@link Fault}.
 * Binary tasks ({@code classes == 2}) have one logit and sigmoid cross-entropy; others have {@code
 * classes} logits and softmax cross-entropy.
 */
public final class Fitter {

  /**
   * Samples: {@code x} is row-major {@code size * sampleShape.size()} floats.
   *
   * @param labels class index per sample
   */
  public record Data(float[] x, Shape sampleShape, int[] labels) {
    public Data {
      Objects.requireNonNull(x, "x");
      Objects.requireNonNull(sampleShape, "sampleShape");
      Objects.requireNonNull(labels, "labels");
      if (x.length != labels.length * sampleShape.size()) {
        throw new IllegalArgumentException(
            "x has " + x.length + " floats, expected " + labels.length + " x " + sampleShape);
      }
    }

    public int size() {
      return labels.length;
    }

    int width() {
      return Math.toIntExact(sampleShape.size());
    }
  }

  /**
   * What a fit did.
   *
   * @param status why it ended
   * @param epochsRun epochs trained (including a diverged one)
   * @param bestEpoch the epoch whose parameters the model holds (0 if none)
   * @param history per-epoch metrics as given to the listener
   * @param validationProbabilities validation probabilities of the final model: class 1 per row for
   *     binary tasks, row-major {@code n * classes} otherwise; null when diverged
   * @param validationMetrics {@link io.driftgate.core.stats.Metrics#trainingReport} of those
   *     probabilities; empty when diverged
   * @param devices the devices trained on
   * @param trainMillis wall time of the loop
   */
  public record Outcome(
      TrainResult.Status status,
      int epochsRun,
      int bestEpoch,
      List<Map<String, Double>> history,
      float[] validationProbabilities,
      Map<String, Double> validationMetrics,
      List<String> devices,
      long trainMillis) {}

  private Fitter() {}

  /**
   * Trains {@code model}'s block (set, not yet initialized) on {@code train}, validating on {@code
   * validation} after every epoch.
   */
  public static Outcome fit(
      Model model,
      Data train,
      Data validation,
      int classes,
      TrainParams params,
      EpochListener listener) {
    if (classes < 2) {
      throw new IllegalArgumentException("classes must be >= 2");
    }
    long start = System.nanoTime();
    boolean binary = classes == 2;
    int batchSize = Math.min(params.batchSize(), train.size());
    int stepsPerEpoch = (train.size() + batchSize - 1) / batchSize;
    Tracker lr = tracker(params, stepsPerEpoch);
    Optimizer optimizer =
        "adam".equals(params.optimizer())
            ? Optimizer.adam().optLearningRateTracker(lr).build()
            : Optimizer.sgd()
                .setLearningRateTracker(lr)
                .optMomentum((float) params.momentum())
                .build();
    Loss loss = binary ? new BinaryLogitLoss() : Loss.softmaxCrossEntropyLoss();
    Device[] devices = Engine.getInstance().getDevices();
    DefaultTrainingConfig config =
        new DefaultTrainingConfig(loss).optOptimizer(optimizer).optDevices(devices);

    List<Map<String, Double>> history = new ArrayList<>();
    TrainResult.Status status = TrainResult.Status.COMPLETED;
    int bestEpoch = 0;
    double bestLoss = Double.POSITIVE_INFINITY;
    byte[] bestParams = null;
    int sinceBest = 0;
    int epoch = 0;
    try (ai.djl.training.Trainer trainer = model.newTrainer(config)) {
      Shape initShape = new Shape(batchSize).addAll(train.sampleShape());
      trainer.initialize(initShape);
      // One device and a training set that fits: the samples live on the device once, and each
      // step gathers its rows there (one native index op) instead of copying them from the heap.
      Resident resident =
          devices.length == 1 && (long) train.x().length <= RESIDENT_MAX_FLOATS
              ? Resident.of(trainer.getManager(), train, binary, devices[0])
              : null;
      Augmenter augmenter = Augmenter.of(params, train.sampleShape());
      Updater updater =
          resident == null
              ? null
              : Updater.of(
                  model,
                  trainer.getManager(),
                  optimizer,
                  devices[0],
                  "adam".equals(params.optimizer()) ? null : lr,
                  (float) params.momentum());
      Random shuffle = new Random(params.seed());
      int[] order = new int[train.size()];
      Arrays.setAll(order, i -> i);
      int updates = 0;
      while (epoch < params.epochs()) {
        epoch++;
        long epochStart = System.nanoTime();
        shuffleInPlace(order, shuffle);
        double lossSum = 0;
        long seen = 0;
        for (int b = 0; b < stepsPerEpoch; b++) {
          int from = b * batchSize;
          int to = Math.min(train.size(), from + batchSize);
          if (to - from < Math.max(2, devices.length)) {
            continue; // a trailing batch too small for batch norm / device split
          }
          lossSum +=
              resident != null
                  ? residentStep(trainer, resident, order, from, to, augmenter, loss, updater)
                  : step(trainer, devices, train, order, from, to, binary, loss, augmenter);
          seen += to - from;
          updates++;
        }
        double trainLoss = lossSum / Math.max(1, seen);
        Map<String, Double> metrics = new LinkedHashMap<>();
        Fault fault = epoch == params.faultEpoch() ? params.fault() : Fault.NONE;
        fire(fault, params);
        if (fault == Fault.NAN) {
          trainLoss = Double.NaN;
        }
        float[] probs = null;
        double valLoss = Double.NaN;
        Map<String, Double> valMetrics = Map.of();
        if (Double.isFinite(trainLoss)) {
          probs = predict(model, validation, classes, batchSize, devices[0]);
          valMetrics = metrics(probs, validation.labels(), classes);
          valLoss = valMetrics.get("log_loss");
        }
        metrics.put("train_loss", trainLoss);
        metrics.put("val_loss", fault == Fault.NAN ? Double.NaN : valLoss);
        metrics.put("val_accuracy", valMetrics.getOrDefault("accuracy", Double.NaN));
        if (binary) {
          metrics.put("val_auc", valMetrics.getOrDefault("roc_auc", Double.NaN));
        } else {
          metrics.put("val_top5", valMetrics.getOrDefault("top5", Double.NaN));
        }
        metrics.put("lr", (double) lr.getNewValue(updates));
        metrics.put("epoch_millis", (System.nanoTime() - epochStart) / 1e6);
        history.add(metrics);
        boolean diverged = !Double.isFinite(trainLoss) || !Double.isFinite(metrics.get("val_loss"));
        boolean go = listener == null || listener.onEpoch(epoch, Map.copyOf(metrics));
        if (diverged) {
          status = TrainResult.Status.DIVERGED;
          break;
        }
        if (valLoss < bestLoss - params.minDelta()) {
          bestLoss = valLoss;
          bestEpoch = epoch;
          bestParams = snapshot(model);
          sinceBest = 0;
        } else {
          sinceBest++;
        }
        if (!go) {
          status = TrainResult.Status.STOPPED_BY_LISTENER;
          break;
        }
        if (params.patience() > 0 && sinceBest >= params.patience() && epoch < params.epochs()) {
          status = TrainResult.Status.EARLY_STOPPED;
          break;
        }
      }
    }
    float[] finalProbs = null;
    Map<String, Double> finalMetrics = Map.of();
    if (status != TrainResult.Status.DIVERGED) {
      if (bestParams != null && bestEpoch != epoch) {
        restore(model, bestParams);
      }
      finalProbs = predict(model, validation, classes, batchSize, devices[0]);
      finalMetrics = metrics(finalProbs, validation.labels(), classes);
    }
    return new Outcome(
        status,
        epoch,
        status == TrainResult.Status.DIVERGED ? 0 : (bestEpoch == 0 ? epoch : bestEpoch),
        List.copyOf(history),
        finalProbs,
        finalMetrics,
        Arrays.stream(devices).map(Device::toString).toList(),
        (System.nanoTime() - start) / 1_000_000);
  }

  private static Map<String, Double> metrics(float[] probs, int[] labels, int classes) {
    return classes == 2
        ? io.driftgate.core.stats.Metrics.trainingReport(probs, labels)
        : io.driftgate.core.stats.Metrics.multiclassReport(probs, labels, classes);
  }

  /** One optimizer step on samples {@code order[from..to)}; returns the summed loss. */
  private static double step(
      ai.djl.training.Trainer trainer,
      Device[] devices,
      Data data,
      int[] order,
      int from,
      int to,
      boolean binary,
      Loss loss,
      Augmenter augmenter) {
    int n = to - from;
    int w = data.width();
    double sum = 0;
    try (NDManager bm = trainer.getManager().newSubManager();
        GradientCollector collector = trainer.newGradientCollector()) {
      int parts = devices.length;
      for (int d = 0; d < parts; d++) {
        int lo = from + (int) ((long) n * d / parts);
        int hi = from + (int) ((long) n * (d + 1) / parts);
        int m = hi - lo;
        float[] x = new float[m * w];
        float[] y = new float[m];
        for (int i = 0; i < m; i++) {
          int s = order[lo + i];
          System.arraycopy(data.x(), s * w, x, i * w, w);
          y[i] = data.labels()[s];
        }
        if (augmenter != null) {
          augmenter.apply(x, m);
        }
        NDArray xs =
            bm.create(x, new Shape(m).addAll(data.sampleShape())).toDevice(devices[d], false);
        NDArray ys =
            bm.create(y, binary ? new Shape(m, 1) : new Shape(m)).toDevice(devices[d], false);
        NDList pred = trainer.forward(new NDList(xs));
        NDArray l = loss.evaluate(new NDList(ys), pred);
        collector.backward(l);
        sum += lossValue(l) * m;
      }
    }
    trainer.step();
    return sum;
  }

  /**
   * One optimizer step on samples {@code order[from..to)} gathered from the device-resident
   * training set; returns the summed loss. The same rows, in the same order, as {@link #step}.
   */
  private static double residentStep(
      ai.djl.training.Trainer trainer,
      Resident data,
      int[] order,
      int from,
      int to,
      Augmenter augmenter,
      Loss loss,
      Updater updater) {
    int m = to - from;
    long[] rows = new long[m];
    for (int i = 0; i < m; i++) {
      rows[i] = order[from + i];
    }
    double sum;
    try (NDManager bm = trainer.getManager().newSubManager(data.device());
        GradientCollector collector = trainer.newGradientCollector()) {
      NDArray index = bm.create(rows);
      NDArray xs = data.rows(data.x(), index, data.batchX(m));
      NDArray ys = data.rows(data.y(), index, data.batchY(m));
      if (augmenter != null) {
        float[] x = xs.toFloatArray();
        augmenter.apply(x, m);
        xs = bm.create(x, xs.getShape());
      }
      NDList pred = trainer.forward(new NDList(xs));
      NDArray l = loss.evaluate(new NDList(ys), pred);
      collector.backward(l);
      sum = lossValue(l) * m;
    }
    if (updater == null) {
      trainer.step();
    } else {
      updater.step(trainer);
    }
    return sum;
  }

  /**
   * The batch loss on the host: the scalar's one float, without the copy {@code getFloat()} makes.
   */
  private static float lossValue(NDArray loss) {
    return loss.toFloatArray()[0];
  }

  /**
   * The optimizer step on one device without DJL's parameter server, which copies every gradient
   * before updating ({@code LocalParameterServer} duplicates it for multi-device reduction): the
   * same update per trainable parameter, on the arrays the forward pass reads. Adam goes through
   * {@link Optimizer#update} (keyed by the same parameter ids; its first step through {@code
   * Trainer.step()}, which checks that gradients flowed); SGD on the PyTorch engine through {@link
   * Sgd}, which computes what DJL's {@code sgdUpdate} computes in fewer native ops.
   */
  private static final class Updater {
    private final Optimizer optimizer;
    private final List<ai.djl.nn.Parameter> parameters;
    private final Sgd sgd;
    private boolean checked;

    private Updater(Optimizer optimizer, List<ai.djl.nn.Parameter> parameters, Sgd sgd) {
      this.optimizer = optimizer;
      this.parameters = parameters;
      this.sgd = sgd;
    }

    /**
     * Null unless every trainable parameter already lives on {@code device}.
     *
     * @param sgdRate the learning-rate tracker of an SGD optimizer, null for another optimizer
     */
    static Updater of(
        Model model,
        NDManager manager,
        Optimizer optimizer,
        Device device,
        Tracker sgdRate,
        float momentum) {
      List<ai.djl.nn.Parameter> ps = new ArrayList<>();
      boolean pytorch = true;
      for (ai.djl.nn.Parameter p : model.getBlock().getParameters().values()) {
        if (p.requiresGradient()) {
          if (!p.isInitialized() || !p.getArray().getDevice().equals(device)) {
            return null;
          }
          pytorch &= p.getArray() instanceof PtNDArray;
          ps.add(p);
        }
      }
      Sgd sgd =
          sgdRate != null && pytorch
              ? new Sgd(ps, manager.newSubManager(device), sgdRate, momentum)
              : null;
      return new Updater(optimizer, List.copyOf(ps), sgd);
    }

    void step(ai.djl.training.Trainer trainer) {
      if (sgd == null) {
        if (!checked) {
          trainer.step(); // the first step also checks that gradients flowed
          checked = true;
          return;
        }
        for (ai.djl.nn.Parameter p : parameters) {
          NDArray weight = p.getArray();
          try (NDArray grad = weight.getGradient()) {
            optimizer.update(p.getId(), weight, grad);
          }
        }
        return;
      }
      if (!checked) {
        sgd.requireGradients();
        checked = true;
      }
      sgd.step();
    }
  }

  /**
   * SGD with momentum exactly as DJL's {@code Sgd.update} computes it on the PyTorch engine with no
   * weight decay, rescaling or clipping ({@code sgdUpdate}: {@code g' = clone(g) + 0 * w; g' *= lr;
   * s = s * momentum + g'; w -= s}, then the gradient zeroed; {@code w -= g'} without momentum):
   * the learning rate of update {@code k} (1-based) is {@code tracker.getNewValue(k)}, the momentum
   * state starts at zero. Four in-place ops and the zeroing per parameter instead of seven ops and
   * a clone: {@code g *= lr} in place (the gradient is zeroed right after), and no {@code + 0 * w},
   * which leaves every finite value as it is. Same floats, same order of operations, so the same
   * weights bit for bit.
   */
  private static final class Sgd {
    private final List<PtNDArray> weights = new ArrayList<>();
    private final List<NDArray> states = new ArrayList<>();
    private final Tracker rate;
    private final float momentum;
    private final NDManager manager;
    private final NDArray momentumScalar;
    private NDArray rateScalar;
    private float rateValue = Float.NaN;
    private int updates;

    /** {@code manager}: the trainer's, on the parameters' device; holds the momentum state. */
    Sgd(List<ai.djl.nn.Parameter> parameters, NDManager manager, Tracker rate, float momentum) {
      this.rate = rate;
      this.momentum = momentum;
      this.manager = manager;
      for (ai.djl.nn.Parameter p : parameters) {
        PtNDArray w = (PtNDArray) p.getArray();
        weights.add(w);
        if (momentum != 0f) {
          NDArray state = w.zerosLike();
          state.attach(manager);
          states.add(state);
        }
      }
      momentumScalar = manager.create(momentum);
    }

    /** Fails as DJL's {@code Trainer.step()} does when no gradient reached the parameters. */
    void requireGradients() {
      for (PtNDArray w : weights) {
        try (NDArray g = w.getGradient();
            NDArray sum = g.abs().sum()) {
          if (!(sum.toFloatArray()[0] == 0f)) {
            return;
          }
        }
      }
      throw new IllegalStateException(
          "every gradient of the first training step is zero: the loss does not depend on the"
              + " model's parameters (check the model's blocks and the loss)");
    }

    void step() {
      updates++;
      float lr = rate.getNewValue(updates);
      if (rateScalar == null || Float.compare(lr, rateValue) != 0) {
        if (rateScalar != null) {
          rateScalar.close();
        }
        rateScalar = manager.create(lr);
        rateValue = lr;
      }
      boolean gradMode = JniUtils.isGradMode();
      if (gradMode) {
        JniUtils.setGradMode(false);
      }
      try {
        for (int i = 0; i < weights.size(); i++) {
          PtNDArray w = weights.get(i);
          try (NDArray g = w.getGradient()) {
            g.muli(rateScalar);
            if (momentum != 0f) {
              NDArray s = states.get(i);
              s.muli(momentumScalar).addi(g);
              w.subi(s);
            } else {
              w.subi(g);
            }
          }
          JniUtils.zeroGrad(w);
        }
      } finally {
        if (gradMode) {
          JniUtils.setGradMode(true);
        }
      }
    }
  }

  /** Above this many floats (1 GiB) the training set is copied to the device batch by batch. */
  static final long RESIDENT_MAX_FLOATS = 1L << 28;

  /**
   * The training set on the device: samples {@code x} as one row of {@code width} floats each and
   * labels {@code y} as one column, so that a batch is gathered by {@code embedding} (libtorch's
   * {@code index_select} of whole rows: a few times cheaper than the advanced indexing of {@code
   * get(NDArray)}, which computes an offset per element), then viewed in the shapes the model and
   * the loss take.
   */
  private record Resident(NDArray x, NDArray y, Device device, Shape sampleShape, boolean binary) {
    static Resident of(NDManager manager, Data data, boolean binary, Device device) {
      float[] labels = new float[data.size()];
      for (int i = 0; i < labels.length; i++) {
        labels[i] = data.labels()[i];
      }
      NDArray x = onDevice(manager.create(data.x(), new Shape(data.size(), data.width())), device);
      NDArray y = onDevice(manager.create(labels, new Shape(data.size(), 1)), device);
      return new Resident(x, y, device, data.sampleShape(), binary);
    }

    /** Shape of {@code m} samples as the model takes them; null when the rows already are. */
    Shape batchX(int m) {
      return sampleShape.dimension() == 1 ? null : new Shape(m).addAll(sampleShape);
    }

    /** Shape of {@code m} labels as the loss takes them; null when the column already is. */
    Shape batchY(int m) {
      return binary ? null : new Shape(m);
    }

    /** Rows {@code index} of {@code table}, in {@code index}'s manager, reshaped unless null. */
    NDArray rows(NDArray table, NDArray index, Shape shape) {
      NDArray rows =
          table
              .getNDArrayInternal()
              .embedding(index, table, ai.djl.ndarray.types.SparseFormat.DENSE)
              .singletonOrThrow();
      return shape == null ? rows : rows.reshape(shape);
    }

    private static NDArray onDevice(NDArray a, Device device) {
      if (a.getDevice().equals(device)) {
        return a;
      }
      NDArray moved = a.toDevice(device, false);
      a.close();
      return moved;
    }
  }

  /** Probabilities of {@code data} under the model's current parameters (inference mode). */
  static float[] predict(Model model, Data data, int classes, int batchSize, Device device) {
    boolean binary = classes == 2;
    int w = data.width();
    int k = binary ? 1 : classes;
    float[] out = new float[data.size() * k];
    try (NDManager m = model.getNDManager().newSubManager(device)) {
      ParameterStore ps = new ParameterStore(m, false);
      for (int from = 0; from < data.size(); from += batchSize) {
        int n = Math.min(batchSize, data.size() - from);
        try (NDManager bm = m.newSubManager()) {
          float[] x = Arrays.copyOfRange(data.x(), from * w, (from + n) * w);
          NDArray xs = bm.create(x, new Shape(n).addAll(data.sampleShape()));
          NDArray logits = model.getBlock().forward(ps, new NDList(xs), false).singletonOrThrow();
          NDArray p = binary ? ai.djl.nn.Activation.sigmoid(logits) : logits.softmax(1);
          float[] pv = p.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
          System.arraycopy(pv, 0, out, from * k, n * k);
        }
      }
    }
    return out;
  }

  private static byte[] snapshot(Model model) {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bos)) {
      model.getBlock().saveParameters(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bos.toByteArray();
  }

  private static void restore(Model model, byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      model.getBlock().loadParameters(model.getNDManager(), in);
    } catch (IOException | ai.djl.MalformedModelException e) {
      throw new IllegalStateException("cannot restore the best parameters", e);
    }
  }

  static Tracker tracker(TrainParams params, int stepsPerEpoch) {
    float base = (float) params.learningRate();
    int total = Math.max(1, params.epochs() * stepsPerEpoch);
    return switch (params.schedule()) {
      case "cosine" ->
          Tracker.cosine()
              .setBaseValue(base)
              .optFinalValue(base * 0.01f)
              .setMaxUpdates(total)
              .build();
      case "factor" ->
          Tracker.factor()
              .setBaseValue(base)
              .setFactor((float) Math.pow(0.5, 1.0 / Math.max(1, stepsPerEpoch * 3)))
              .optMinValue(base * 0.01f)
              .build();
      default -> Tracker.fixed(base);
    };
  }

  static void shuffleInPlace(int[] a, Random rng) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  private static void fire(Fault fault, TrainParams params) {
    switch (fault) {
      case CRASH -> {
        if (params.allowCrash()) {
          System.out.flush();
          System.err.println("driftgate trainer: injected crash (fault=crash, test hook)");
          System.exit(Fault.CRASH_EXIT_STATUS);
        }
        throw new Fault.InjectedFaultException(
            "injected crash (fault=crash; allowCrash=true would exit the JVM with status "
                + Fault.CRASH_EXIT_STATUS
                + ")");
      }
      case HANG -> {
        try {
          while (true) {
            Thread.sleep(60_000);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new Fault.InjectedFaultException("injected hang interrupted");
        }
      }
      default -> {}
    }
  }
}
