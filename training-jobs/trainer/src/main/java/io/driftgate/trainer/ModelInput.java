package io.driftgate.trainer;

import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import io.driftgate.core.image.ImageDecoder;
import io.driftgate.core.spec.FeatureSpec;
import io.driftgate.core.spec.ImageOptions;
import io.driftgate.trainer.text.TextTraining;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Rows (feature name to lake value) to model input, per {@link Modality}: one definition shared by
 * training, scoring and the gate. Tabular rows go through {@link Preprocessing}; an image feature's
 * bytes through its spec's {@link ImageOptions#decoder()} into {@code channels x height x width}
 * floats in [0, 1]; a text feature through the WordPiece tokenizer of {@link TextTraining}. What
 * scoring needs is saved in the model directory ({@link #save}: the preprocessing file, the
 * tokenizer; the image rule is in {@code training.json}'s {@code input}, {@link #describe}).
 */
public interface ModelInput {

  Modality modality();

  /** Shape of one sample (no batch axis). */
  Shape sampleShape();

  /** One sample, {@code sampleShape().size()} floats. */
  float[] encode(Map<String, ?> row);

  /** Samples of {@code rows}, row-major. */
  default float[] encodeAll(List<? extends Map<String, ?>> rows) {
    int w = Math.toIntExact(sampleShape().size());
    float[] out = new float[rows.size() * w];
    for (int i = 0; i < rows.size(); i++) {
      System.arraycopy(encode(rows.get(i)), 0, out, i * w, w);
    }
    return out;
  }

  /** Writes what {@link #load} needs besides {@link #describe} into the model directory. */
  void save(Path modelDir);

  /** What {@code training.json} records as {@code input}. */
  Map<String, Object> describe();

  /** Tabular features through {@link Preprocessing}. */
  record Tabular(Preprocessing preprocessing) implements ModelInput {
    @Override
    public Modality modality() {
      return Modality.TABULAR;
    }

    @Override
    public Shape sampleShape() {
      return new Shape(preprocessing.dimension());
    }

    @Override
    public float[] encode(Map<String, ?> row) {
      return preprocessing.transform(row);
    }

    @Override
    public float[] encodeAll(List<? extends Map<String, ?>> rows) {
      return preprocessing.transformAll(rows);
    }

    @Override
    public void save(Path modelDir) {
      preprocessing.save(modelDir);
    }

    @Override
    public Map<String, Object> describe() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("modality", "tabular");
      m.put(
          "features", preprocessing.features().stream().map(Preprocessing.Feature::name).toList());
      return m;
    }
  }

  /** One image feature, decoded by its spec's rule. */
  record Image(String feature, ImageOptions options) implements ModelInput {
    public Image {
      Objects.requireNonNull(feature, "feature");
      Objects.requireNonNull(options, "options");
    }

    @Override
    public Modality modality() {
      return Modality.IMAGE;
    }

    @Override
    public Shape sampleShape() {
      return new Shape(options.channels(), options.height(), options.width());
    }

    @Override
    public float[] encode(Map<String, ?> row) {
      Object v = row.get(feature);
      byte[] bytes;
      if (v instanceof byte[] a) {
        bytes = a;
      } else if (v instanceof ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        bytes = new byte[d.remaining()];
        d.get(bytes);
      } else {
        throw new IllegalArgumentException(
            "image feature '"
                + feature
                + "' is "
                + (v == null ? "missing" : "a " + v.getClass().getSimpleName())
                + "; the model needs its encoded bytes");
      }
      try {
        return decoder().decode(bytes);
      } catch (ImageDecoder.RejectedImage e) {
        throw new IllegalArgumentException(
            "image feature '" + feature + "': " + e.getMessage() + " (" + e.problem() + ")", e);
      }
    }

    private ImageDecoder decoder() {
      return options.decoder();
    }

    @Override
    public void save(Path modelDir) {
      // the rule is in training.json (describe) and in the spec copy
    }

    @Override
    public Map<String, Object> describe() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("modality", "image");
      m.put("feature", feature);
      m.put("channels", options.channels());
      m.put("height", options.height());
      m.put("width", options.width());
      m.put("resize", options.resize().configName());
      m.put("maxBytes", options.maxBytes());
      m.put("convertChannels", options.convertChannels());
      return m;
    }

    static Image fromDescription(JsonNode d) {
      return new Image(
          d.get("feature").asText(),
          new ImageOptions(
              d.get("width").asInt(),
              d.get("height").asInt(),
              d.get("channels").asInt(),
              ImageOptions.Resize.fromConfigName(d.get("resize").asText()),
              d.get("maxBytes").asInt(),
              null,
              d.get("convertChannels").asBoolean()));
    }
  }

  /** One text feature as WordPiece token ids. */
  record Text(String feature, TextTraining.Encoder encoder) implements ModelInput {
    @Override
    public Modality modality() {
      return Modality.TEXT;
    }

    @Override
    public Shape sampleShape() {
      return encoder.sampleShape();
    }

    @Override
    public float[] encode(Map<String, ?> row) {
      Object v = row.get(feature);
      return encoder.encode(v == null ? "" : v.toString());
    }

    @Override
    public void save(Path modelDir) {
      encoder.save(modelDir);
    }

    @Override
    public Map<String, Object> describe() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("modality", "text");
      m.put("feature", feature);
      m.put("sequenceLength", encoder.length());
      m.put("vocabularySize", encoder.vocabulary().size());
      return m;
    }
  }

  /** The image or text input of {@code feature} (not fitted: text needs {@link TextTraining}). */
  static Image image(FeatureSpec feature) {
    return new Image(feature.name(), feature.image());
  }

  /**
   * The input a model directory was trained with: {@code input} of its {@code training.json} (a
   * directory without one is tabular).
   */
  static ModelInput load(Path modelDir, JsonNode input) {
    String modality = input == null ? "tabular" : input.path("modality").asText("tabular");
    return switch (Modality.fromConfigName(modality)) {
      case TABULAR -> new Tabular(Preprocessing.load(modelDir));
      case IMAGE -> Image.fromDescription(input);
      case TEXT -> new Text(input.get("feature").asText(), TextTraining.load(modelDir));
    };
  }
}
