package io.driftgate.trainer;

import io.driftgate.core.spec.TrainingSpec;
import java.util.Arrays;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Training parameters: the spec's {@code training} section with a string map of overrides on top
 * (what the tuner and {@code --param k=v} pass). Unknown keys are rejected so that a typo does not
 * silently train with defaults.
 *
 * <p>Keys: {@code lr}, {@code momentum}, {@code optimizer} (sgd|adam), {@code schedule}
 * (cosine|factor|fixed), {@code epochs}, {@code batchSize}, {@code validationFraction}, {@code
 * hidden} (comma-separated layer sizes, e.g. {@code 64,32}), {@code patience} (epochs without a
 * validation-loss improvement before stopping; 0 disables early stopping), {@code minDelta}, {@code
 * model} (a {@link ModelFactory} name), the text encoder's {@code embedding} width, {@code layers}
 * and attention {@code heads} (model {@code bert}), {@code seed}, and the test hooks {@code fault}
 * (nan|crash|hang), {@code faultEpoch} and {@code allowCrash} (see {@link Fault}).
 */
public final class TrainParams {
  public static final Set<String> KEYS =
      Set.of(
          "lr",
          "momentum",
          "optimizer",
          "schedule",
          "epochs",
          "batchSize",
          "validationFraction",
          "hidden",
          "patience",
          "minDelta",
          "model",
          "seed",
          "fault",
          "faultEpoch",
          "allowCrash",
          "embedding",
          "layers",
          "heads");

  private final Map<String, String> resolved;

  private TrainParams(Map<String, String> resolved) {
    this.resolved = Collections.unmodifiableMap(resolved);
  }

  /** The spec's training section with {@code overrides} applied. */
  public static TrainParams resolve(TrainingSpec spec, Map<String, String> overrides) {
    TrainingSpec t = spec == null ? TrainingSpec.defaults() : spec;
    Map<String, String> m = new TreeMap<>();
    m.put("seed", Long.toString(t.seed()));
    m.put("epochs", Integer.toString(t.epochs()));
    m.put("lr", Double.toString(t.learningRate()));
    m.put("momentum", Double.toString(t.momentum()));
    m.put("batchSize", Integer.toString(t.batchSize()));
    m.put("validationFraction", Double.toString(t.validationFraction()));
    m.put("optimizer", "sgd");
    m.put("schedule", "cosine");
    m.put("hidden", "64,32");
    m.put("patience", "3");
    m.put("minDelta", "0.0001");
    m.put("model", "mlp");
    m.put("allowCrash", "false");
    m.put("faultEpoch", "1");
    m.put("embedding", "64");
    m.put("layers", "2");
    m.put("heads", "4");
    if (overrides != null) {
      for (Map.Entry<String, String> e : overrides.entrySet()) {
        if (!KEYS.contains(e.getKey())) {
          throw new IllegalArgumentException(
              "unknown training parameter '"
                  + e.getKey()
                  + "'; known: "
                  + new java.util.TreeSet<>(KEYS));
        }
        m.put(e.getKey(), Objects.requireNonNull(e.getValue(), e.getKey()).trim());
      }
    }
    TrainParams p = new TrainParams(m);
    p.validate();
    return p;
  }

  private void validate() {
    if (epochs() < 1) {
      throw new IllegalArgumentException("epochs must be >= 1: " + epochs());
    }
    if (batchSize() < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1: " + batchSize());
    }
    if (!(learningRate() > 0) || !Double.isFinite(learningRate())) {
      throw new IllegalArgumentException("lr must be > 0: " + learningRate());
    }
    if (!(momentum() >= 0 && momentum() < 1)) {
      throw new IllegalArgumentException("momentum must be in [0, 1): " + momentum());
    }
    double v = validationFraction();
    if (!(v > 0 && v < 1)) {
      throw new IllegalArgumentException("validationFraction must be in (0, 1): " + v);
    }
    if (patience() < 0) {
      throw new IllegalArgumentException("patience must be >= 0: " + patience());
    }
    if (!Set.of("sgd", "adam").contains(optimizer())) {
      throw new IllegalArgumentException("optimizer must be sgd or adam: " + optimizer());
    }
    if (!Set.of("cosine", "factor", "fixed").contains(schedule())) {
      throw new IllegalArgumentException("schedule must be cosine, factor or fixed: " + schedule());
    }
    for (int h : hidden()) {
      if (h < 1) {
        throw new IllegalArgumentException("hidden sizes must be >= 1: " + get("hidden"));
      }
    }
    if (embedding() < 1 || layers() < 1 || heads() < 1 || embedding() % heads() != 0) {
      throw new IllegalArgumentException(
          "embedding, layers and heads must be >= 1, embedding a multiple of heads: embedding="
              + get("embedding")
              + " layers="
              + get("layers")
              + " heads="
              + get("heads"));
    }
    fault(); // parses
  }

  /** All parameters after resolution, sorted by key (for training.json). */
  public Map<String, String> asMap() {
    return resolved;
  }

  public String get(String key) {
    return resolved.get(key);
  }

  public long seed() {
    return Long.parseLong(get("seed"));
  }

  public int epochs() {
    return Integer.parseInt(get("epochs"));
  }

  public double learningRate() {
    return Double.parseDouble(get("lr"));
  }

  public double momentum() {
    return Double.parseDouble(get("momentum"));
  }

  public int batchSize() {
    return Integer.parseInt(get("batchSize"));
  }

  public double validationFraction() {
    return Double.parseDouble(get("validationFraction"));
  }

  public String optimizer() {
    return get("optimizer").toLowerCase(Locale.ROOT);
  }

  public String schedule() {
    return get("schedule").toLowerCase(Locale.ROOT);
  }

  public int[] hidden() {
    String h = get("hidden");
    if (h.isEmpty()) {
      return new int[0];
    }
    return Arrays.stream(h.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
  }

  /** Token embedding width of the text encoder (model {@code bert}). */
  public int embedding() {
    return Integer.parseInt(get("embedding"));
  }

  /** Transformer blocks of the text encoder. */
  public int layers() {
    return Integer.parseInt(get("layers"));
  }

  /** Attention heads per transformer block (they divide {@link #embedding}). */
  public int heads() {
    return Integer.parseInt(get("heads"));
  }

  public int patience() {
    return Integer.parseInt(get("patience"));
  }

  public double minDelta() {
    return Double.parseDouble(get("minDelta"));
  }

  public String model() {
    return get("model").toLowerCase(Locale.ROOT);
  }

  /** The injected fault, or {@link Fault#NONE}. */
  public Fault fault() {
    String f = get("fault");
    return f == null || f.isEmpty() ? Fault.NONE : Fault.parse(f);
  }

  public int faultEpoch() {
    return Integer.parseInt(get("faultEpoch"));
  }

  public boolean allowCrash() {
    return Boolean.parseBoolean(get("allowCrash"));
  }

  @Override
  public String toString() {
    return resolved.toString();
  }
}
