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
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * One Kafka record as read, before any decoding: the unit every outcome (lake row or dead letter)
 * is accounted against. Independent of KafkaIO so transforms can be tested with {@code Create}.
 */
@DefaultCoder(SourceRecord.SourceRecordCoder.class)
public record SourceRecord(
    String topic, int partition, long offset, long timestampMillis, byte[] key, byte[] value) {

  @Override
  public boolean equals(Object o) {
    return o instanceof SourceRecord r
        && partition == r.partition
        && offset == r.offset
        && timestampMillis == r.timestampMillis
        && topic.equals(r.topic)
        && Arrays.equals(key, r.key)
        && Arrays.equals(value, r.value);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * topic.hashCode() + partition) + Long.hashCode(offset);
  }

  @Override
  public String toString() {
    return topic + "-" + partition + "@" + offset;
  }

  /** Compact coder: no Java serialization on the hot path. */
  public static final class SourceRecordCoder extends AtomicCoder<SourceRecord> {
    private static final Coder<byte[]> KEY = NullableCoder.of(ByteArrayCoder.of());
    private static final Coder<byte[]> VALUE = NullableCoder.of(ByteArrayCoder.of());

    public static SourceRecordCoder of() {
      return new SourceRecordCoder();
    }

    @Override
    public void encode(SourceRecord r, OutputStream out) throws IOException {
      StringUtf8Coder.of().encode(r.topic(), out);
      VarIntCoder.of().encode(r.partition(), out);
      VarLongCoder.of().encode(r.offset(), out);
      VarLongCoder.of().encode(r.timestampMillis(), out);
      KEY.encode(r.key(), out);
      VALUE.encode(r.value(), out);
    }

    @Override
    public SourceRecord decode(InputStream in) throws IOException {
      return new SourceRecord(
          StringUtf8Coder.of().decode(in),
          VarIntCoder.of().decode(in),
          VarLongCoder.of().decode(in),
          VarLongCoder.of().decode(in),
          KEY.decode(in),
          VALUE.decode(in));
    }

    @Override
    public List<? extends Coder<?>> getCoderArguments() {
      return List.of();
    }

    @Override
    public void verifyDeterministic() {}
  }
}
