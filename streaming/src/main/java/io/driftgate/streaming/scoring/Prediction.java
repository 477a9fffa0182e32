package io.driftgate.streaming.scoring;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * The champion's prediction for one valid record, of a binary or a multiclass model.
 *
 * @param eventId the record's id, or null when the spec has none
 * @param eventTimeMillis the record's event time
 * @param modelVersion the registry version that scored it
 * @param score a binary model's probability of class 1; a multiclass model's probability of the
 *     class it predicts
 * @param predictedClass binary: 1 when {@code score} reaches {@code scoring.threshold}, else 0;
 *     multiclass: the most probable class (the lowest on a tie)
 * @param label the record's label, or null when it carried none (yet)
 * @param partition source partition
 * @param offset source offset
 * @param classProbabilities a multiclass model's probability of each class 0..k-1; null for a
 *     binary model
 */
@DefaultCoder(Prediction.PredictionCoder.class)
public record Prediction(
    String eventId,
    long eventTimeMillis,
    String modelVersion,
    double score,
    int predictedClass,
    Integer label,
    int partition,
    long offset,
    float[] classProbabilities) {

  public Prediction {
    if (classProbabilities != null && classProbabilities.length < 3) {
      throw new IllegalArgumentException(
          "a multiclass prediction has 3 or more class probabilities, got "
              + classProbabilities.length
              + " (a binary model's prediction has none)");
    }
  }

  /** A binary model's prediction. */
  public Prediction(
      String eventId,
      long eventTimeMillis,
      String modelVersion,
      double score,
      int predictedClass,
      Integer label,
      int partition,
      long offset) {
    this(
        eventId,
        eventTimeMillis,
        modelVersion,
        score,
        predictedClass,
        label,
        partition,
        offset,
        null);
  }

  /**
   * A multiclass model's prediction from its class probabilities: the most probable class (the
   * lowest on a tie) and its probability as the score.
   */
  public static Prediction multiclass(
      String eventId,
      long eventTimeMillis,
      String modelVersion,
      float[] classProbabilities,
      Integer label,
      int partition,
      long offset) {
    int best = 0;
    for (int c = 1; c < classProbabilities.length; c++) {
      if (classProbabilities[c] > classProbabilities[best]) {
        best = c;
      }
    }
    return new Prediction(
        eventId,
        eventTimeMillis,
        modelVersion,
        classProbabilities[best],
        best,
        label,
        partition,
        offset,
        classProbabilities);
  }

  public boolean labelled() {
    return label != null;
  }

  public boolean multiclass() {
    return classProbabilities != null;
  }

  /** 2 for a binary model's prediction, else the model's number of classes. */
  public int classes() {
    return multiclass() ? classProbabilities.length : 2;
  }

  /** The model's probability of the class it predicted. */
  public double predictedProbability() {
    return multiclass() ? score : predictedClass == 1 ? score : 1 - score;
  }

  /**
   * The model's probability of the label's class, or null without a label; 0 for a class the model
   * does not know (a label beyond its classes).
   */
  public Double labelProbability() {
    if (label == null) {
      return null;
    }
    if (multiclass()) {
      return label >= 0 && label < classProbabilities.length ? classProbabilities[label] : 0.0;
    }
    return label == 1 ? score : 1 - score;
  }

  /** The same prediction with its label (a late label joined). */
  public Prediction withLabel(int newLabel) {
    return new Prediction(
        eventId,
        eventTimeMillis,
        modelVersion,
        score,
        predictedClass,
        newLabel,
        partition,
        offset,
        classProbabilities);
  }

  /** The class probabilities as a list (the table's column), or null for a binary model. */
  public List<Double> classProbabilityList() {
    if (classProbabilities == null) {
      return null;
    }
    List<Double> out = new ArrayList<>(classProbabilities.length);
    for (float p : classProbabilities) {
      out.add((double) p);
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Prediction p
        && Objects.equals(eventId, p.eventId)
        && eventTimeMillis == p.eventTimeMillis
        && Objects.equals(modelVersion, p.modelVersion)
        && Double.compare(score, p.score) == 0
        && predictedClass == p.predictedClass
        && Objects.equals(label, p.label)
        && partition == p.partition
        && offset == p.offset
        && Arrays.equals(classProbabilities, p.classProbabilities);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
                eventId,
                eventTimeMillis,
                modelVersion,
                score,
                predictedClass,
                label,
                partition,
                offset)
            * 31
        + Arrays.hashCode(classProbabilities);
  }

  @Override
  public String toString() {
    return "Prediction[eventId="
        + eventId
        + ", eventTimeMillis="
        + eventTimeMillis
        + ", modelVersion="
        + modelVersion
        + ", score="
        + score
        + ", predictedClass="
        + predictedClass
        + ", label="
        + label
        + ", partition="
        + partition
        + ", offset="
        + offset
        + (classProbabilities == null
            ? ""
            : ", classProbabilities=" + Arrays.toString(classProbabilities))
        + "]";
  }

  /** Coder. */
  public static final class PredictionCoder extends AtomicCoder<Prediction> {
    private static final Coder<String> ID = NullableCoder.of(StringUtf8Coder.of());
    private static final Coder<Integer> LABEL = NullableCoder.of(VarIntCoder.of());

    public static PredictionCoder of() {
      return new PredictionCoder();
    }

    @Override
    public void encode(Prediction p, OutputStream out) throws IOException {
      ID.encode(p.eventId(), out);
      VarLongCoder.of().encode(p.eventTimeMillis(), out);
      StringUtf8Coder.of().encode(p.modelVersion(), out);
      DoubleCoder.of().encode(p.score(), out);
      VarIntCoder.of().encode(p.predictedClass(), out);
      LABEL.encode(p.label(), out);
      VarIntCoder.of().encode(p.partition(), out);
      VarLongCoder.of().encode(p.offset(), out);
      // 0: binary; else the number of classes, then their probabilities
      float[] probs = p.classProbabilities();
      VarIntCoder.of().encode(probs == null ? 0 : probs.length, out);
      if (probs != null) {
        java.io.DataOutputStream data = new java.io.DataOutputStream(out);
        for (float v : probs) {
          data.writeFloat(v);
        }
        data.flush();
      }
    }

    @Override
    public Prediction decode(InputStream in) throws IOException {
      String id = ID.decode(in);
      long time = VarLongCoder.of().decode(in);
      String version = StringUtf8Coder.of().decode(in);
      double score = DoubleCoder.of().decode(in);
      int predicted = VarIntCoder.of().decode(in);
      Integer label = LABEL.decode(in);
      int partition = VarIntCoder.of().decode(in);
      long offset = VarLongCoder.of().decode(in);
      int classes = VarIntCoder.of().decode(in);
      float[] probs = null;
      if (classes > 0) {
        probs = new float[classes];
        java.io.DataInputStream data = new java.io.DataInputStream(in);
        for (int c = 0; c < classes; c++) {
          probs[c] = data.readFloat();
        }
      }
      return new Prediction(id, time, version, score, predicted, label, partition, offset, probs);
    }

    @Override
    public List<? extends Coder<?>> getCoderArguments() {
      return List.of();
    }

    @Override
    public void verifyDeterministic() {}
  }
}
