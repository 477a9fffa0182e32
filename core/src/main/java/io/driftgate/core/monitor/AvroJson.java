package io.driftgate.core.monitor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/** Avro's JSON encoding of generated records: how reports and requests are stored. */
public final class AvroJson {
  private AvroJson() {}

  public static String write(SpecificRecord record) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Encoder enc = EncoderFactory.get().jsonEncoder(record.getSchema(), out, false);
      @SuppressWarnings("unchecked")
      SpecificDatumWriter<SpecificRecord> w =
          new SpecificDatumWriter<>((Class<SpecificRecord>) record.getClass());
      w.write(record, enc);
      enc.flush();
      return out.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Parses a record.
   *
   * @throws IllegalArgumentException when the text is not one
   */
  public static <T extends SpecificRecord> T read(String json, Schema schema, Class<T> type) {
    try {
      return new SpecificDatumReader<>(type)
          .read(null, DecoderFactory.get().jsonDecoder(schema, json));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "not a " + schema.getName() + " record: " + e.getMessage(), e);
    }
  }
}
