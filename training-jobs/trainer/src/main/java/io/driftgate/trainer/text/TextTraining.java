package io.driftgate.trainer.text;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.driftgate.core.text.WordPieceTokenizer;
import io.driftgate.core.text.WordPieceVocabulary;
import io.driftgate.trainer.EpochListener;
import io.driftgate.trainer.Fitter;
import io.driftgate.trainer.TrainParams;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * The text model's training path: token ids from a {@link WordPieceTokenizer} whose vocabulary is
 * built from the training split only (training parameter {@code vocabSize}, words seen at least
 * twice), a {@link BertClassifier} trained from scratch on them (or fine-tuned from a pretrained
 * {@link BertCheckpoint} when parameter {@code checkpoint} names one, whose vocabulary and sequence
 * length then apply), and the tokenizer saved next to the model ({@value #VOCABULARY}, {@value
 * #CONFIG}) so that scoring and the gate encode text exactly as training did ({@link #load}), with
 * the model's sizes ({@value #MODEL_CONFIG}) so that it loads back as built ({@link #classifier}).
 */
public final class TextTraining {
  public static final String VOCABULARY = BertCheckpoint.VOCABULARY;
  public static final String CONFIG = "text.properties";

  /**
   * The {@code bert} model's sizes ({@link BertClassifier.Sizes}), written beside the model so that
   * it loads back as it was built: a model fine-tuned from a checkpoint has the checkpoint's sizes,
   * not the run's {@code embedding}/{@code layers}/{@code heads} parameters.
   */
  public static final String MODEL_CONFIG = "bert.properties";

  static final int MIN_FREQUENCY = 2;

  private TextTraining() {}

  /** Text to model input: the tokenizer and the number of ids per sample. */
  public record Encoder(WordPieceTokenizer tokenizer, int length) {
    public WordPieceVocabulary vocabulary() {
      return tokenizer.vocabulary();
    }

    public Shape sampleShape() {
      return new Shape(length);
    }

    /** Ids of {@code text} as floats (the trainer's input type). */
    public float[] encode(String text) {
      int[] ids = tokenizer.encode(text, length);
      float[] out = new float[length];
      for (int i = 0; i < length; i++) {
        out[i] = ids[i];
      }
      return out;
    }

    /** Samples for the fitter. */
    public Fitter.Data encode(List<String> texts, int[] labels) {
      float[] x = new float[texts.size() * length];
      for (int i = 0; i < texts.size(); i++) {
        System.arraycopy(encode(texts.get(i)), 0, x, i * length, length);
      }
      return new Fitter.Data(x, sampleShape(), labels);
    }

    /** Writes {@value #VOCABULARY} and {@value #CONFIG} into {@code modelDir}. */
    public void save(Path modelDir) {
      try {
        Files.createDirectories(modelDir);
        vocabulary().save(modelDir.resolve(VOCABULARY));
        Properties p = new Properties();
        p.setProperty("sequenceLength", Integer.toString(length));
        p.setProperty("vocabularySize", Integer.toString(vocabulary().size()));
        try (var out = Files.newBufferedWriter(modelDir.resolve(CONFIG), StandardCharsets.UTF_8)) {
          p.store(out, "driftgate text model input");
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the tokenizer into " + modelDir, e);
      }
    }
  }

  /** A tokenizer fitted on {@code trainTexts} (the training split only) for {@code params}. */
  public static Encoder fit(List<String> trainTexts, TrainParams params) {
    WordPieceVocabulary vocabulary =
        WordPieceVocabulary.train(trainTexts, params.vocabSize(), MIN_FREQUENCY);
    return new Encoder(new WordPieceTokenizer(vocabulary), params.sequenceLength());
  }

  /** The tokenizer a model directory was trained with. */
  public static Encoder load(Path modelDir) {
    Properties p = new Properties();
    Path config = modelDir.resolve(CONFIG);
    try (var in = Files.newBufferedReader(config, StandardCharsets.UTF_8)) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read " + config + " (a text model directory holds it beside " + VOCABULARY + ")",
          e);
    }
    WordPieceVocabulary vocabulary = WordPieceVocabulary.load(modelDir.resolve(VOCABULARY));
    String size = p.getProperty("vocabularySize", "");
    if (!size.equals(Integer.toString(vocabulary.size()))) {
      throw new IllegalArgumentException(
          config
              + " says vocabularySize="
              + size
              + ", "
              + VOCABULARY
              + " has "
              + vocabulary.size());
    }
    return new Encoder(
        new WordPieceTokenizer(vocabulary), Integer.parseInt(p.getProperty("sequenceLength")));
  }

  /** Writes {@value #MODEL_CONFIG} into {@code modelDir}. */
  static void saveSizes(Path modelDir, BertClassifier.Sizes sizes) {
    try {
      Files.createDirectories(modelDir);
      try (var out =
          Files.newBufferedWriter(modelDir.resolve(MODEL_CONFIG), StandardCharsets.UTF_8)) {
        sizes.toProperties().store(out, "driftgate bert model sizes");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + MODEL_CONFIG + " into " + modelDir, e);
    }
  }

  /**
   * The {@code bert} classifier of a model directory, not yet initialized, to load its saved
   * parameters into: of the sizes in {@value #MODEL_CONFIG} (checked against the directory's
   * tokenizer), or, for a directory written before that file existed, of the run's parameters.
   *
   * @param outputs logits (1 for a binary task)
   * @param params the run's parameters (training.json), for a directory without the file
   */
  public static BertClassifier classifier(
      Path modelDir, Encoder encoder, int outputs, TrainParams params) {
    Path file = modelDir.resolve(MODEL_CONFIG);
    if (!Files.isRegularFile(file)) {
      return (BertClassifier)
          BertClassifier.architecture(encoder.vocabulary().size())
              .build(encoder.sampleShape(), outputs, params);
    }
    Properties p = new Properties();
    try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    BertClassifier.Sizes sizes = BertClassifier.Sizes.fromProperties(p, file);
    if (sizes.vocabularySize() != encoder.vocabulary().size()
        || sizes.sequenceLength() != encoder.length()) {
      throw new IllegalArgumentException(
          file
              + " says vocabularySize="
              + sizes.vocabularySize()
              + ", sequenceLength="
              + sizes.sequenceLength()
              + "; the directory's tokenizer has "
              + encoder.vocabulary().size()
              + " tokens and "
              + encoder.length()
              + " ids per text");
    }
    return new BertClassifier(sizes, outputs);
  }

  /** What {@link #train} did: the fit and the encoder the model directory now holds. */
  public record Trained(Fitter.Outcome outcome, Encoder encoder) {}

  /**
   * Trains {@code model} (its block not yet set) on the texts and writes the encoder into {@code
   * modelDir}: from scratch with a vocabulary from {@code trainTexts}, or from the {@code
   * checkpoint} parameter's encoder with its vocabulary.
   */
  public static Trained train(
      Model model,
      List<String> trainTexts,
      int[] trainLabels,
      List<String> validationTexts,
      int[] validationLabels,
      int classes,
      TrainParams params,
      EpochListener listener,
      Path modelDir) {
    int outputs = classes == 2 ? 1 : classes;
    Encoder encoder;
    Block block;
    if (params.checkpoint().isEmpty()) {
      encoder = fit(trainTexts, params);
      block =
          BertClassifier.architecture(encoder.vocabulary().size())
              .build(encoder.sampleShape(), outputs, params);
    } else {
      BertCheckpoint.Loaded loaded =
          BertCheckpoint.load(
              Path.of(params.checkpoint()),
              outputs,
              model.getNDManager(),
              Math.min(params.batchSize(), trainLabels.length));
      encoder =
          new Encoder(
              new WordPieceTokenizer(loaded.vocabulary()), loaded.classifier().sequenceLength());
      block = loaded.classifier();
    }
    model.setBlock(block);
    saveSizes(modelDir, ((BertClassifier) block).sizes());
    Fitter.Outcome outcome =
        Fitter.fit(
            model,
            encoder.encode(trainTexts, trainLabels),
            encoder.encode(validationTexts, validationLabels),
            classes,
            params,
            listener);
    encoder.save(modelDir);
    return new Trained(outcome, encoder);
  }
}
