package io.driftgate.core.wire;

import io.driftgate.schemas.ErrorKind;
import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/** Factories for {@link RecordDecoder}s. */
public final class RecordDecoders {
  /** Avro single-object encoding marker. */
  static final byte SINGLE_OBJECT_MAGIC_0 = (byte) 0xC3;

  static final byte SINGLE_OBJECT_MAGIC_1 = (byte) 0x01;
  static final int SINGLE_OBJECT_HEADER = 10;
  static final byte CONFLUENT_MAGIC = 0x00;
  static final int CONFLUENT_HEADER = 5;

  private RecordDecoders() {}

  /**
   * Decoder for Avro single-object encoding (0xC3 0x01, 8-byte little-endian CRC-64-AVRO
   * fingerprint of the writer schema, body). Known writers: {@code reader} itself and {@code
   * olderWriters}, each of which must be resolvable to {@code reader}.
   */
  public static RecordDecoder singleObject(Schema reader, Collection<Schema> olderWriters) {
    Objects.requireNonNull(reader, "reader");
    Map<Long, String> writers = new LinkedHashMap<>();
    writers.put(SchemaNormalization.parsingFingerprint64(reader), reader.toString());
    if (olderWriters != null) {
      for (Schema w : olderWriters) {
        requireCompatible(reader, w, "older writer schema");
        writers.put(SchemaNormalization.parsingFingerprint64(w), w.toString());
      }
    }
    return new SingleObjectDecoder(reader.toString(), writers);
  }

  /**
   * Decoder for the Confluent wire format (magic 0x00, 4-byte big-endian schema id, body), with a
   * fixed id-to-writer-schema table (for example a registry directory of {@code <id>.avsc} files).
   */
  public static RecordDecoder confluent(Schema reader, Map<Integer, Schema> idToWriter) {
    Objects.requireNonNull(reader, "reader");
    Objects.requireNonNull(idToWriter, "idToWriter");
    Map<Integer, String> writers = new LinkedHashMap<>();
    for (Map.Entry<Integer, Schema> e : idToWriter.entrySet()) {
      requireCompatible(reader, e.getValue(), "schema id " + e.getKey());
      writers.put(e.getKey(), e.getValue().toString());
    }
    return new ConfluentDecoder(reader.toString(), writers);
  }

  /** Decoder for {@code format}: single-object uses the values of {@code idToWriter} as writers. */
  public static RecordDecoder forFormat(
      WireFormat format, Schema reader, Map<Integer, Schema> idToWriter) {
    return switch (format) {
      case SINGLE_OBJECT -> singleObject(reader, idToWriter.values());
      case CONFLUENT -> confluent(reader, idToWriter);
    };
  }

  private static void requireCompatible(Schema reader, Schema writer, String what) {
    Objects.requireNonNull(writer, what);
    SchemaCompatibility.SchemaPairCompatibility c =
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
    if (c.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
      throw new IllegalArgumentException(
          what
              + " ("
              + writer.getFullName()
              + ") cannot be read as "
              + reader.getFullName()
              + ": "
              + c.getDescription());
    }
  }

  /** GenericDatumReader that produces java.lang.String for Avro strings. */
  private static final class StringDatumReader extends GenericDatumReader<GenericRecord> {
    StringDatumReader(Schema writer, Schema reader) {
      super(writer, reader, GenericData.get());
    }

    @Override
    @SuppressWarnings("rawtypes")
    protected Class findStringClass(Schema schema) {
      return String.class;
    }
  }

  /**
   * One binary decoder per thread, pointed at each record in turn: a new decoder per record was a
   * fiftieth of the ingest's source thread. (Decoders are shared between threads.)
   */
  private static final ThreadLocal<BinaryDecoder> REUSED = new ThreadLocal<>();

  private record Writer(Schema schema, GenericDatumReader<GenericRecord> reader) {}

  private record State<K>(Schema reader, Map<K, Writer> writers) {}

  /** Shared logic: header parsing is format-specific, the body path is the same. */
  private abstract static class AbstractDecoder<K> implements RecordDecoder {
    private static final long serialVersionUID = 1L;

    private final String readerJson;
    private final LinkedHashMap<K, String> writerJson;
    private transient volatile State<K> state;

    AbstractDecoder(String readerJson, Map<K, String> writerJson) {
      this.readerJson = readerJson;
      this.writerJson = new LinkedHashMap<>(writerJson);
    }

    private State<K> state() {
      State<K> s = state;
      if (s == null) {
        synchronized (this) {
          s = state;
          if (s == null) {
            Schema reader = new Schema.Parser().parse(readerJson);
            Map<K, Writer> writers = new HashMap<>();
            for (Map.Entry<K, String> e : writerJson.entrySet()) {
              Schema w = new Schema.Parser().parse(e.getValue());
              writers.put(e.getKey(), new Writer(w, new StringDatumReader(w, reader)));
            }
            s = new State<>(reader, writers);
            state = s;
          }
        }
      }
      return s;
    }

    @Override
    public Schema readerSchema() {
      return state().reader();
    }

    /** Parses the header; returns the writer key. */
    abstract K header(byte[] value) throws DecodeException;

    abstract int headerLength();

    abstract String describe(K key);

    @Override
    public GenericRecord decode(byte[] value) throws DecodeException {
      if (value == null) {
        throw new DecodeException(ErrorKind.BAD_HEADER, "null record value");
      }
      K key = header(value);
      Writer w = state().writers().get(key);
      if (w == null) {
        throw new DecodeException(
            ErrorKind.UNKNOWN_SCHEMA, "unknown writer schema " + describe(key));
      }
      int off = headerLength();
      BinaryShapeCheck.check(w.schema(), value, off);
      try {
        BinaryDecoder in =
            DecoderFactory.get().binaryDecoder(value, off, value.length - off, REUSED.get());
        REUSED.set(in);
        return w.reader().read(null, in);
      } catch (IOException | RuntimeException e) {
        // The shape check passed, so this is a value Avro rejects during resolution.
        throw new DecodeException(
            ErrorKind.CORRUPT_BYTES, "cannot decode record body: " + e.getMessage(), e);
      }
    }
  }

  private static final class SingleObjectDecoder extends AbstractDecoder<Long> {
    private static final long serialVersionUID = 1L;

    SingleObjectDecoder(String readerJson, Map<Long, String> writers) {
      super(readerJson, writers);
    }

    @Override
    public WireFormat format() {
      return WireFormat.SINGLE_OBJECT;
    }

    @Override
    Long header(byte[] value) throws DecodeException {
      if (value.length < SINGLE_OBJECT_HEADER) {
        throw new DecodeException(
            ErrorKind.BAD_HEADER,
            "value of " + value.length + " byte(s) is shorter than the single-object header");
      }
      if (value[0] != SINGLE_OBJECT_MAGIC_0 || value[1] != SINGLE_OBJECT_MAGIC_1) {
        throw new DecodeException(
            ErrorKind.BAD_HEADER,
            String.format(
                "bad single-object marker 0x%02X 0x%02X (expected 0xC3 0x01)",
                value[0] & 0xff, value[1] & 0xff));
      }
      long fp = 0;
      for (int i = 9; i >= 2; i--) {
        fp = (fp << 8) | (value[i] & 0xff);
      }
      return fp;
    }

    @Override
    int headerLength() {
      return SINGLE_OBJECT_HEADER;
    }

    @Override
    String describe(Long key) {
      return String.format("fingerprint 0x%016X", key);
    }
  }

  private static final class ConfluentDecoder extends AbstractDecoder<Integer> {
    private static final long serialVersionUID = 1L;

    ConfluentDecoder(String readerJson, Map<Integer, String> writers) {
      super(readerJson, writers);
    }

    @Override
    public WireFormat format() {
      return WireFormat.CONFLUENT;
    }

    @Override
    Integer header(byte[] value) throws DecodeException {
      if (value.length < CONFLUENT_HEADER) {
        throw new DecodeException(
            ErrorKind.BAD_HEADER,
            "value of " + value.length + " byte(s) is shorter than the Confluent header");
      }
      if (value[0] != CONFLUENT_MAGIC) {
        throw new DecodeException(
            ErrorKind.BAD_HEADER,
            String.format("bad Confluent magic byte 0x%02X (expected 0x00)", value[0] & 0xff));
      }
      return ((value[1] & 0xff) << 24)
          | ((value[2] & 0xff) << 16)
          | ((value[3] & 0xff) << 8)
          | (value[4] & 0xff);
    }

    @Override
    int headerLength() {
      return CONFLUENT_HEADER;
    }

    @Override
    String describe(Integer key) {
      return "id " + key;
    }
  }
}
