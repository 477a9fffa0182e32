package io.driftgate.streaming.scoring;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * The champion's prediction for one valid record.
 *
 * @param eventId the record's id, or null when the spec has none
 * @param eventTimeMillis the record's event time
 * @param modelVersion the registry version that scored it
 * @param score probability of class 1
 * @param predictedClass 1 when {@code score} reaches the threshold, else 0
 * @param label the record's label, or null when it carried none
 * @param partition source partition
 * @param offset source offset
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
    long offset) {

  public boolean labelled() {
    return label != null;
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
    }

    @Override
    public Prediction decode(InputStream in) throws IOException {
      return new Prediction(
          ID.decode(in),
          VarLongCoder.of().decode(in),
          StringUtf8Coder.of().decode(in),
          DoubleCoder.of().decode(in),
          VarIntCoder.of().decode(in),
          LABEL.decode(in),
          VarIntCoder.of().decode(in),
          VarLongCoder.of().decode(in));
    }

    @Override
    public List<? extends Coder<?>> getCoderArguments() {
      return List.of();
    }

    @Override
    public void verifyDeterministic() {}
  }
}
