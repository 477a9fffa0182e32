package io.driftgate.streaming.row;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
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
 * <p>A row made by {@link #ofRow} also keeps its decoded form ({@link #row()}): a step chained to
 * the one that made it (on Flink with object reuse: the lake writer) reads it without decoding, and
 * the Avro binary is made only when something asks for it (the coder, at a shuffle). Immutable: the
 * binary is made at most once, from a row nobody changes.
 */
@DefaultCoder(LakeEntry.LakeEntryCoder.class)
public final class LakeEntry implements ProfiledRow {
  private static final java.util.Map<Schema, GenericDatumWriter<GenericRecord>> WRITERS =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * This thread's last schema and its writer, compared by identity: the map above compares a schema
   * it holds to an equal one of another instance (every step parses its own) field by field,
   * properties included, which was 4% of the monitor run's source thread (a JFR profile).
   */
  private static final ThreadLocal<Writer> LAST_WRITER = new ThreadLocal<>();

  private record Writer(Schema schema, GenericDatumWriter<GenericRecord> writer) {}

  private final boolean deadLetter;
  private final int partition;
  private final long offset;
  private final long timeMillis;
  private final String errorKind;
  private final GenericRecord row;
  private final Schema rowSchema;
  private volatile byte[] payload;

  /**
   * @param deadLetter true for a dead letter, false for a lake row
   * @param partition source partition
   * @param offset source offset
   * @param timeMillis event time of a row; source timestamp of a dead letter (its partition date)
   * @param errorKind the error kind name for dead letters, empty for rows
   * @param payload Avro binary of the clean row (lake schema) or of the {@code DeadLetter}
   */
  public LakeEntry(
      boolean deadLetter,
      int partition,
      long offset,
      long timeMillis,
      String errorKind,
      byte[] payload) {
    this(deadLetter, partition, offset, timeMillis, errorKind, null, null, payload);
  }

  private LakeEntry(
      boolean deadLetter,
      int partition,
      long offset,
      long timeMillis,
      String errorKind,
      GenericRecord row,
      Schema rowSchema,
      byte[] payload) {
    this.deadLetter = deadLetter;
    this.partition = partition;
    this.offset = offset;
    this.timeMillis = timeMillis;
    this.errorKind = errorKind;
    this.row = row;
    this.rowSchema = rowSchema;
    this.payload = payload;
  }

  /** A lake row that keeps {@code row}; its payload is {@code row} in {@code schema}'s binary. */
  public static LakeEntry ofRow(
      int partition, long offset, long timeMillis, GenericRecord row, Schema schema) {
    return new LakeEntry(false, partition, offset, timeMillis, "", row, schema, null);
  }

  public boolean deadLetter() {
    return deadLetter;
  }

  public int partition() {
    return partition;
  }

  public long offset() {
    return offset;
  }

  public long timeMillis() {
    return timeMillis;
  }

  public String errorKind() {
    return errorKind;
  }

  /** The row as decoded in this process, or null (a dead letter, or an entry read from bytes). */
  public GenericRecord row() {
    return row;
  }

  /** The schema {@link #row()} is written in, or null. */
  public Schema rowSchema() {
    return rowSchema;
  }

  /** Avro binary of the clean row (lake schema) or of the {@code DeadLetter}. */
  @Override
  public byte[] payload() {
    byte[] p = payload;
    if (p == null) {
      p = encode(row, rowSchema);
      payload = p;
    }
    return p;
  }

  private static byte[] encode(GenericRecord row, Schema schema) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
      BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(bytes, null);
      Writer w = LAST_WRITER.get();
      if (w == null || w.schema() != schema) {
        w = new Writer(schema, WRITERS.computeIfAbsent(schema, GenericDatumWriter::new));
        LAST_WRITER.set(w);
      }
      w.writer().write(row, enc);
      enc.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LakeEntry e
        && deadLetter == e.deadLetter
        && partition == e.partition
        && offset == e.offset
        && timeMillis == e.timeMillis
        && errorKind.equals(e.errorKind)
        && Arrays.equals(payload(), e.payload());
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
