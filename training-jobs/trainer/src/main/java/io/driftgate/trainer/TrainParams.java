package io.driftgate.trainer;

import io.driftgate.core.spec.ModelSpec;
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
 * and attention {@code heads} (model {@code bert}), image {@code augment} (none, or flip and/or
 * shift) with the largest {@code shift} in pixels (see {@link Augmenter}), the text model's {@code
 * vocabSize}, {@code sequenceLength} and pretrained {@code checkpoint} directory, {@code seed}, and
 * the test hooks {@code fault} (nan|crash|hang), {@code faultEpoch} and {@code allowCrash} (see
 * {@link Fault}).
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
          "heads",
          "augment",
          "shift",
          "vocabSize",
          "sequenceLength",
          "checkpoint");

  private final Map<String, String> resolved;

  private TrainParams(Map<String, String> resolved) {
    this.resolved = Collections.unmodifiableMap(resolved);
  }

  /**
   * The parameters of a training run of {@code spec}: its {@code training} section (keys, {@code
   * params} and {@code model}, the modality's default model when unset) with {@code overrides}
   * (tuner trials, {@code --param k=v}) on top. A model that does not fit the features' modality is
   * refused, naming the key, the value and the fix.
   */
  public static TrainParams forSpec(ModelSpec spec, Map<String, String> overrides) {
    Modality modality = Modality.of(spec);
    TrainingSpec t = spec.training() == null ? TrainingSpec.defaults() : spec.training();
    Map<String, String> merged = new TreeMap<>();
    for (Map.Entry<String, String> e : t.params().entrySet()) {
      if (!KEYS.contains(e.getKey())) {
        throw new IllegalArgumentException(
            "spec training.params."
                + e.getKey()
                + "="
                + e.getValue()
                + " is not a trainer parameter; fix: one of "
                + new java.util.TreeSet<>(KEYS));
      }
      merged.put(e.getKey(), e.getValue());
    }
    String source = t.model() != null ? "training.model" : null;
    merged.put("model", t.model() != null ? t.model() : modality.defaultModel());
    if (overrides != null) {
      if (overrides.containsKey("model")) {
        source = "training parameter model";
      }
      merged.putAll(overrides);
    }
    TrainParams p = resolve(t, merged);
    Set<Modality> fits = ModelFactory.modalities(p.model());
    if (!fits.contains(modality)) {
      throw new IllegalArgumentException(
          (source == null ? "training.model" : source)
              + "="
              + p.get("model")
              + " does not fit the "
              + modality.configName()
              + " features of spec "
              + spec.model()
              + " (it is a model for "
              + fits.stream().map(Modality::configName).sorted().toList()
              + "); fix: one of "
              + ModelFactory.registeredFor(modality)
              + ", or leave training.model out for "
              + modality.defaultModel());
    }
    return p;
  }

  /**
   * The spec's training section with {@code overrides} applied (no modality check; the model
   * defaults to mlp).
   */
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
    m.put("augment", "none");
    m.put("shift", "2");
    m.put("vocabSize", "8000");
    m.put("sequenceLength", "64");
    m.put("checkpoint", "");
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
    if (!ModelFactory.registered().contains(model())) {
      throw new IllegalArgumentException(
          "training parameter model="
              + get("model")
              + " is not an architecture; fix: one of "
              + new java.util.TreeSet<>(ModelFactory.registered())
              + " (mlp for tabular features, cnn or resnet18 for images, bert for text, or one"
              + " registered with ModelFactory.register)");
    }
    augment(); // parses
    if (vocabSize() < 16) {
      throw new IllegalArgumentException(
          "training parameter vocabSize="
              + get("vocabSize")
              + " is too small; fix: 16 or more WordPiece tokens (8000 by default)");
    }
    if (sequenceLength() < 2) {
      throw new IllegalArgumentException(
          "training parameter sequenceLength="
              + get("sequenceLength")
              + " has no room for [CLS] and [SEP]; fix: 2 or more token ids (64 by default)");
    }
    if (shift() < 0) {
      throw new IllegalArgumentException(
          "training parameter shift=" + get("shift") + " is negative; fix: 0 or more pixels");
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

  /**
   * Image augmentations for training batches ({@code augment}: none, or flip and/or shift,
   * comma-separated); empty for none.
   */
  public Set<String> augment() {
    String a = get("augment").trim().toLowerCase(Locale.ROOT);
    if (a.isEmpty() || a.equals("none")) {
      return Set.of();
    }
    Set<String> out = new java.util.TreeSet<>();
    for (String k : a.split(",")) {
      String kind = k.trim();
      if (!Augmenter.KINDS.contains(kind)) {
        throw new IllegalArgumentException(
            "training parameter augment="
                + get("augment")
                + " has unknown augmentation '"
                + kind
                + "'; fix: none, or a comma-separated list of "
                + new java.util.TreeSet<>(Augmenter.KINDS));
      }
      out.add(kind);
    }
    return Collections.unmodifiableSet(out);
  }

  /** Largest shift in pixels of augmentation {@code shift}. */
  public int shift() {
    return Integer.parseInt(get("shift"));
  }

  /** Most WordPiece tokens in a text model's vocabulary (built from the training split). */
  public int vocabSize() {
    return Integer.parseInt(get("vocabSize"));
  }

  /** Token ids per text sample, {@code [CLS]} and {@code [SEP]} included. */
  public int sequenceLength() {
    return Integer.parseInt(get("sequenceLength"));
  }

  /** A pretrained text encoder to fine-tune ({@code BertCheckpoint} directory); empty for none. */
  public String checkpoint() {
    return get("checkpoint");
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
