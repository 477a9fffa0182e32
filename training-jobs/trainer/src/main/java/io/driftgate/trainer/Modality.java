package io.driftgate.trainer;

import io.driftgate.core.spec.FeatureSpec;
import io.driftgate.core.spec.ModelSpec;
import java.util.List;
import java.util.Locale;

/**
 * What a model reads, from the spec's features: tabular (numeric and categorical features, through
 * {@link Preprocessing}), one image feature (decoded by its {@code ImageOptions} into {@code
 * channels x height x width} floats) or one text feature (WordPiece token ids). Each has a default
 * architecture, used when the spec's {@code training.model} is not set.
 */
public enum Modality {
  TABULAR("mlp"),
  IMAGE("cnn"),
  TEXT("bert");

  private final String defaultModel;

  Modality(String defaultModel) {
    this.defaultModel = defaultModel;
  }

  /** The architecture trained when the spec names none. */
  public String defaultModel() {
    return defaultModel;
  }

  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Modality fromConfigName(String name) {
    return valueOf(name.trim().toUpperCase(Locale.ROOT));
  }

  /**
   * The modality of {@code spec}'s features: an image or a text feature must be the only feature
   * (the trainer builds one input per sample).
   */
  public static Modality of(ModelSpec spec) {
    return of(spec.features());
  }

  static Modality of(List<FeatureSpec> features) {
    List<FeatureSpec> unstructured =
        features.stream().filter(f -> f.isImage() || f.isText()).toList();
    if (unstructured.isEmpty()) {
      return TABULAR;
    }
    if (features.size() != 1) {
      throw new IllegalArgumentException(
          "features: "
              + unstructured.get(0).kind().configName()
              + " feature '"
              + unstructured.get(0).name()
              + "' is one of "
              + features.size()
              + " features; fix: a model reads one image or one text feature and nothing else"
              + " (train a separate model per input)");
    }
    return unstructured.get(0).isImage() ? IMAGE : TEXT;
  }

  /** The one image or text feature of an image or text spec. */
  public static FeatureSpec unstructuredFeature(ModelSpec spec) {
    if (of(spec) == TABULAR) {
      throw new IllegalArgumentException("spec " + spec.model() + " has tabular features only");
    }
    return spec.features().get(0);
  }
}
