package io.driftgate.core.spec;

import java.io.Serializable;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Training hyper-parameters ({@code training}); every key is optional.
 *
 * @param seed random seed (default 42)
 * @param epochs passes over the training data (default 10)
 * @param learningRate SGD learning rate (default 0.05)
 * @param momentum SGD momentum (default 0.9)
 * @param batchSize mini-batch size (default 256)
 * @param validationFraction share of the data held out for validation (default 0.2)
 * @param model the architecture ({@code training.model}: a name the trainer's model factory knows,
 *     e.g. mlp, cnn, resnet18, bert), or null for the default of the features' modality (tabular
 *     mlp, image cnn, text bert); the trainer checks that it fits the modality
 * @param params further trainer parameters ({@code training.params}, name to value as text, e.g.
 *     {@code augment: shift} or {@code sequenceLength: 48}); the trainer rejects unknown names.
 *     Empty when not set
 */
public record TrainingSpec(
    long seed,
    int epochs,
    double learningRate,
    double momentum,
    int batchSize,
    double validationFraction,
    String model,
    Map<String, String> params)
    implements Serializable {

  public TrainingSpec {
    model = model == null || model.isBlank() ? null : model.trim();
    params =
        params == null || params.isEmpty()
            ? Collections.emptyMap()
            : Collections.unmodifiableMap(new TreeMap<>(params));
  }

  /** No model choice and no further parameters. */
  public TrainingSpec(
      long seed,
      int epochs,
      double learningRate,
      double momentum,
      int batchSize,
      double validationFraction) {
    this(seed, epochs, learningRate, momentum, batchSize, validationFraction, null, Map.of());
  }

  public static final long DEFAULT_SEED = 42L;
  public static final int DEFAULT_EPOCHS = 10;
  public static final double DEFAULT_LEARNING_RATE = 0.05;
  public static final double DEFAULT_MOMENTUM = 0.9;
  public static final int DEFAULT_BATCH_SIZE = 256;
  public static final double DEFAULT_VALIDATION_FRACTION = 0.2;

  public static TrainingSpec defaults() {
    return new TrainingSpec(
        DEFAULT_SEED,
        DEFAULT_EPOCHS,
        DEFAULT_LEARNING_RATE,
        DEFAULT_MOMENTUM,
        DEFAULT_BATCH_SIZE,
        DEFAULT_VALIDATION_FRACTION);
  }
}
