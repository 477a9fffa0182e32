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
 */
@DefaultCoder(WindowedProfile.WindowedProfileCoder.class)
public record WindowedProfile(long startMillis, long endMillis, long paneIndex, byte[] profile) {

  @Override
  public boolean equals(Object o) {
    return o instanceof WindowedProfile w
        && startMillis == w.startMillis
        && endMillis == w.endMillis
        && paneIndex == w.paneIndex
        && Arrays.equals(profile, w.profile);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(startMillis) * 31 + Long.hashCode(paneIndex);
  }

  /** Coder. */
  public static final class WindowedProfileCoder extends AtomicCoder<WindowedProfile> {
    public static WindowedProfileCoder of() {
      return new WindowedProfileCoder();
    }

    @Override
    public void encode(WindowedProfile w, OutputStream out) throws IOException {
      VarLongCoder.of().encode(w.startMillis(), out);
      VarLongCoder.of().encode(w.endMillis(), out);
      VarLongCoder.of().encode(w.paneIndex(), out);
      ByteArrayCoder.of().encode(w.profile(), out);
    }

    @Override
    public WindowedProfile decode(InputStream in) throws IOException {
      return new WindowedProfile(
          VarLongCoder.of().decode(in),
          VarLongCoder.of().decode(in),
          VarLongCoder.of().decode(in),
          ByteArrayCoder.of().decode(in));
    }

    @Override
    public List<? extends Coder<?>> getCoderArguments() {
      return List.of();
    }

    @Override
    public void verifyDeterministic() {}
  }
}
