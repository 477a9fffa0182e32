package io.driftgate.streaming.scoring;

import io.driftgate.streaming.row.LakeEntry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.NullableCoder;

/**
 * A valid row and the champion's prediction for it (null when there was no champion): what the
 * monitor profiles (the row) and judges the champion on (the prediction, when labelled).
 */
@DefaultCoder(ScoredRow.ScoredRowCoder.class)
public record ScoredRow(LakeEntry row, Prediction prediction) {

  /** Coder. */
  public static final class ScoredRowCoder extends AtomicCoder<ScoredRow> {
    private static final Coder<Prediction> PREDICTION =
        NullableCoder.of(Prediction.PredictionCoder.of());

    public static ScoredRowCoder of() {
      return new ScoredRowCoder();
    }

    @Override
    public void encode(ScoredRow r, OutputStream out) throws IOException {
      LakeEntry.LakeEntryCoder.of().encode(r.row(), out);
      PREDICTION.encode(r.prediction(), out);
    }

    @Override
    public ScoredRow decode(InputStream in) throws IOException {
      return new ScoredRow(LakeEntry.LakeEntryCoder.of().decode(in), PREDICTION.decode(in));
    }

    @Override
    public List<? extends Coder<?>> getCoderArguments() {
      return List.of();
    }

    @Override
    public void verifyDeterministic() {}
  }
}
