package io.driftgate.core.wire;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/** Factories for {@link RecordEncoder}s. */
public final class RecordEncoders {
  private RecordEncoders() {}

  /** Avro single-object encoding with {@code writer}'s CRC-64-AVRO fingerprint. */
  public static RecordEncoder singleObject(Schema writer) {
    return new Encoder(WireFormat.SINGLE_OBJECT, singleObjectHeader(writer), writer.toString());
  }

  /** Confluent wire format with schema id {@code id}. */
  public static RecordEncoder confluent(int id, Schema writer) {
    return new Encoder(WireFormat.CONFLUENT, confluentHeader(id), writer.toString());
  }

  /** Encoder for {@code format}; {@code confluentId} is ignored for single-object. */
  public static RecordEncoder forFormat(WireFormat format, int confluentId, Schema writer) {
    return switch (format) {
      case SINGLE_OBJECT -> singleObject(writer);
      case CONFLUENT -> confluent(confluentId, writer);
    };
  }

  /** The 10-byte single-object header for {@code writer}. */
  public static byte[] singleObjectHeader(Schema writer) {
    return singleObjectHeader(SchemaNormalization.parsingFingerprint64(writer));
  }

  /** The 10-byte single-object header for a fingerprint. */
  public static byte[] singleObjectHeader(long fingerprint) {
    byte[] h = new byte[RecordDecoders.SINGLE_OBJECT_HEADER];
    h[0] = RecordDecoders.SINGLE_OBJECT_MAGIC_0;
    h[1] = RecordDecoders.SINGLE_OBJECT_MAGIC_1;
    for (int i = 0; i < 8; i++) {
      h[2 + i] = (byte) (fingerprint >>> (8 * i));
    }
    return h;
  }

  /** The 5-byte Confluent header for a schema id. */
  public static byte[] confluentHeader(int id) {
    return new byte[] {
      RecordDecoders.CONFLUENT_MAGIC,
      (byte) (id >>> 24),
      (byte) (id >>> 16),
      (byte) (id >>> 8),
      (byte) id
    };
  }

  private static final class Encoder implements RecordEncoder {
    private static final long serialVersionUID = 1L;

    private final WireFormat format;
    private final byte[] header;
    private final String writerJson;
    private transient volatile Schema schema;
    private transient volatile GenericDatumWriter<GenericRecord> writer;

    Encoder(WireFormat format, byte[] header, String writerJson) {
      this.format = format;
      this.header = header;
      this.writerJson = Objects.requireNonNull(writerJson);
    }

    private GenericDatumWriter<GenericRecord> writer() {
      GenericDatumWriter<GenericRecord> w = writer;
      if (w == null) {
        synchronized (this) {
          w = writer;
          if (w == null) {
            Schema s = new Schema.Parser().parse(writerJson);
            schema = s;
            w = new GenericDatumWriter<>(s, GenericData.get());
            writer = w;
          }
        }
      }
      return w;
    }

    @Override
    public byte[] encode(GenericRecord record) {
      GenericDatumWriter<GenericRecord> w = writer();
      ByteArrayOutputStream out = new ByteArrayOutputStream(128);
      out.writeBytes(header);
      try {
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        w.write(record, enc);
        enc.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out.toByteArray();
    }

    @Override
    public WireFormat format() {
      return format;
    }

    @Override
    public Schema writerSchema() {
      writer();
      return schema;
    }
  }
}
