package io.driftgate.trainer.text;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.driftgate.core.text.WordPieceVocabulary;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * A pretrained text encoder on disk: {@code vocab.txt} (WordPiece, BERT's format), {@code
 * encoder.properties} (vocabulary size, sequence length, embedding, layers, heads) and {@code
 * encoder.params} (DJL's parameter format, the encoder only). {@link #load} builds a {@link
 * BertClassifier} with those weights and a fresh head for the task at hand, so fine-tuning starts
 * from the checkpoint instead of from scratch. Nothing can be downloaded here; a checkpoint comes
 * from an earlier driftgate training ({@link #save}) or is converted offline.
 */
public final class BertCheckpoint {
  public static final String VOCABULARY = "vocab.txt";
  public static final String CONFIG = "encoder.properties";
  public static final String PARAMETERS = "encoder.params";

  private BertCheckpoint() {}

  /** A loaded checkpoint: the classifier (encoder weights set, head new) and its vocabulary. */
  public record Loaded(BertClassifier classifier, WordPieceVocabulary vocabulary) {}

  /** Writes {@code classifier}'s encoder (initialized) and {@code vocabulary} to {@code dir}. */
  public static void save(Path dir, BertClassifier classifier, WordPieceVocabulary vocabulary) {
    BertClassifier.Sizes sizes = classifier.sizes();
    if (sizes.vocabularySize() != vocabulary.size()) {
      throw new IllegalArgumentException(
          "the classifier has "
              + sizes.vocabularySize()
              + " token embeddings, the vocabulary "
              + vocabulary.size()
              + " tokens");
    }
    try {
      Files.createDirectories(dir);
      vocabulary.save(dir.resolve(VOCABULARY));
      try (var out = Files.newBufferedWriter(dir.resolve(CONFIG), StandardCharsets.UTF_8)) {
        sizes.toProperties().store(out, "driftgate text encoder");
      }
      try (DataOutputStream out =
          new DataOutputStream(
              new BufferedOutputStream(Files.newOutputStream(dir.resolve(PARAMETERS))))) {
        classifier.encoder().saveParameters(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the checkpoint " + dir, e);
    }
  }

  /**
   * As {@link #save(Path, BertClassifier, WordPieceVocabulary)}; {@code layers} and {@code heads}
   * must be the classifier's.
   */
  public static void save(
      Path dir, BertClassifier classifier, WordPieceVocabulary vocabulary, int layers, int heads) {
    if (classifier.sizes().layers() != layers || classifier.sizes().heads() != heads) {
      throw new IllegalArgumentException(
          "layers="
              + layers
              + ", heads="
              + heads
              + " are not the classifier's "
              + classifier.sizes());
    }
    save(dir, classifier, vocabulary);
  }

  /**
   * Builds a classifier with {@code outputs} logits from the checkpoint in {@code dir}, its encoder
   * initialized for batches of {@code batchSize} and filled with the saved weights.
   */
  public static Loaded load(Path dir, int outputs, NDManager manager, int batchSize) {
    Properties p = new Properties();
    try (var in = Files.newBufferedReader(dir.resolve(CONFIG), StandardCharsets.UTF_8)) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dir.resolve(CONFIG), e);
    }
    WordPieceVocabulary vocabulary = WordPieceVocabulary.load(dir.resolve(VOCABULARY));
    BertClassifier.Sizes sizes =
        BertClassifier.Sizes.fromProperties(p, "checkpoint " + dir + ": " + CONFIG);
    int vocabularySize = sizes.vocabularySize();
    if (vocabularySize != vocabulary.size()) {
      throw new IllegalArgumentException(
          "checkpoint "
              + dir
              + ": encoder.properties says "
              + vocabularySize
              + " tokens, vocab.txt has "
              + vocabulary.size());
    }
    int length = sizes.sequenceLength();
    BertClassifier classifier = new BertClassifier(sizes, outputs);
    classifier.initialize(manager, DataType.FLOAT32, new Shape(batchSize, length));
    try (DataInputStream in =
        new DataInputStream(
            new BufferedInputStream(Files.newInputStream(dir.resolve(PARAMETERS))))) {
      classifier.encoder().loadParameters(manager, in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dir.resolve(PARAMETERS), e);
    } catch (MalformedModelException e) {
      throw new IllegalArgumentException(
          "checkpoint " + dir + " does not match its encoder.properties: " + e.getMessage(), e);
    }
    return new Loaded(classifier, vocabulary);
  }
}
