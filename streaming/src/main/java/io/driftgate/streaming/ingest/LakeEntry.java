package io.driftgate.streaming.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * The outcome of one source record, on its way to a lake commit: either a cleaned lake row or a
 * dead letter, each as Avro binary, with the source position it accounts for.
 *
 * @param deadLetter true for a dead letter, false for a lake row
 * @param partition source partition
 * @param offset source offset
 * @param timeMillis event time of a row; source timestamp of a dead letter (its partition date)
 * @param errorKind the error kind name for dead letters, empty for rows
 * @param payload Avro binary of the clean row (lake schema) or of the {@code DeadLetter}
 */
@DefaultCoder(LakeEntry.LakeEntryCoder.class)
public record LakeEntry(
    boolean deadLetter,
    int partition,
    long offset,
    long timeMillis,
    String errorKind,
    byte[] payload) {

  @Override
  public boolean equals(Object o) {
    return o instanceof LakeEntry e
        && deadLetter == e.deadLetter
        && partition == e.partition
        && offset == e.offset
        && timeMillis == e.timeMillis
        && errorKind.equals(e.errorKind)
        && Arrays.equals(payload, e.payload);
  }

  @Override
  public int hashCode() {
    return 31 * partition + Long.hashCode(offset);
  }

  @Override
  public String toString() {
    return (deadLetter ? "dead[" + errorKind + "]" : "row") + "@" + partition + ":" + offset;
  }

  /** Compact coder for the shuffle into the committer. */
  public static final class LakeEntryCoder extends AtomicCoder<LakeEntry> {
    public static LakeEntryCoder of() {
      return new LakeEntryCoder();
    }

    @Override
    public void encode(LakeEntry e, OutputStream out) throws IOException {
      out.write(e.deadLetter() ? 1 : 0);
      VarIntCoder.of().encode(e.partition(), out);
      VarLongCoder.of().encode(e.offset(), out);
      VarLongCoder.of().encode(e.timeMillis(), out);
      StringUtf8Coder.of().encode(e.errorKind(), out);
      ByteArrayCoder.of().encode(e.payload(), out);
    }

    @Override
    public LakeEntry decode(InputStream in) throws IOException {
      int flag = in.read();
      if (flag < 0) {
        throw new java.io.EOFException("truncated LakeEntry");
      }
      return new LakeEntry(
          flag == 1,
          VarIntCoder.of().decode(in),
          VarLongCoder.of().decode(in),
          VarLongCoder.of().decode(in),
          StringUtf8Coder.of().decode(in),
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
