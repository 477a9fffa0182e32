package io.driftgate.streaming.monitor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * The profile of one event-time window's valid rows.
 *
 * @param startMillis window start (inclusive)
 * @param endMillis window end (exclusive)
 * @param paneIndex 0 for the on-time pane, higher for late revisions
 * @param profile {@code DatasetProfile.toBytes()}
 * @param labelled the window's labelled predictions ({@link LabelledPredictions#toBytes()}), or
 *     null when the job does not score
 */
@DefaultCoder(WindowedProfile.WindowedProfileCoder.class)
public record WindowedProfile(
    long startMillis, long endMillis, long paneIndex, byte[] profile, byte[] labelled) {

  /**
   * A window of labelled predictions only (labels from the labels topic, joined late): no profile,
   * so the drift monitor does not compare it; only the performance monitor takes it.
   */
  public static WindowedProfile labelsOnly(
      long startMillis, long endMillis, long paneIndex, byte[] labelled) {
    return new WindowedProfile(startMillis, endMillis, paneIndex, new byte[0], labelled);
  }

  /** Whether this is a {@link #labelsOnly} element. */
  public boolean isLabelsOnly() {
    return profile.length == 0;
  }

  /** A window without predictions. */
  public WindowedProfile(long startMillis, long endMillis, long paneIndex, byte[] profile) {
    this(startMillis, endMillis, paneIndex, profile, null);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WindowedProfile w
        && startMillis == w.startMillis
        && endMillis == w.endMillis
        && paneIndex == w.paneIndex
        && Arrays.equals(profile, w.profile)
        && Arrays.equals(labelled, w.labelled);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(startMillis) * 31 + Long.hashCode(paneIndex);
  }

  /** Coder. */
  public static final class WindowedProfileCoder extends AtomicCoder<WindowedProfile> {
    private static final Coder<byte[]> LABELLED =
        org.apache.beam.sdk.coders.NullableCoder.of(ByteArrayCoder.of());

    public static WindowedProfileCoder of() {
      return new WindowedProfileCoder();
    }

    @Override
    public void encode(WindowedProfile w, OutputStream out) throws IOException {
      VarLongCoder.of().encode(w.startMillis(), out);
      VarLongCoder.of().encode(w.endMillis(), out);
      VarLongCoder.of().encode(w.paneIndex(), out);
      ByteArrayCoder.of().encode(w.profile(), out);
      LABELLED.encode(w.labelled(), out);
    }

    @Override
    public WindowedProfile decode(InputStream in) throws IOException {
      return new WindowedProfile(
          VarLongCoder.of().decode(in),
          VarLongCoder.of().decode(in),
          VarLongCoder.of().decode(in),
          ByteArrayCoder.of().decode(in),
          LABELLED.decode(in));
    }

    @Override
    public List<? extends Coder<?>> getCoderArguments() {
      return List.of();
    }

    @Override
    public void verifyDeterministic() {}
  }
}
