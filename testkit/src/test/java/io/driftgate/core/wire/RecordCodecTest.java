package io.driftgate.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.driftgate.schemas.ErrorKind;
import io.driftgate.testkit.generate.FlightSchemas;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RecordCodecTest {

  private static final Schema V1 = FlightSchemas.v1();
  private static final Schema V2 = FlightSchemas.v2();

  static GenericRecord v2Record() {
    GenericData.Record r = new GenericData.Record(V2);
    r.put("event_id", "evt-1");
    r.put("event_time", 1_704_067_200_000L);
    r.put("origin", "JFK");
    r.put("destination", "LAX");
    r.put("distance_km", 3983.0);
    r.put("dep_hour", 17.0);
    r.put("dep_delay_min", 12.0);
    r.put("weather", "rain");
    r.put("carrier", "B6");
    r.put("delayed", 1);
    return r;
  }

  static GenericRecord v1Record() {
    GenericData.Record r = new GenericData.Record(V1);
    r.put("event_id", "evt-old");
    r.put("event_time", 1_600_000_000_000L);
    r.put("origin", "BOS");
    r.put("destination", null);
    r.put("distance_km", 1000.5);
    r.put("dep_hour", 6.0);
    r.put("dep_delay_min", null);
    r.put("weather", "snow");
    r.put("delayed", 0);
    return r;
  }

  static RecordEncoder encoder(WireFormat f, Schema writer) {
    return f == WireFormat.SINGLE_OBJECT
        ? RecordEncoders.singleObject(writer)
        : RecordEncoders.confluent(writer == V1 ? 1 : 2, writer);
  }

  static RecordDecoder decoder(WireFormat f) {
    return f == WireFormat.SINGLE_OBJECT
        ? RecordDecoders.singleObject(V2, List.of(V1))
        : RecordDecoders.confluent(V2, Map.of(1, V1, 2, V2));
  }

  static ErrorKind kindOf(RecordDecoder d, byte[] v) {
    DecodeException e = catchThrowableOfType(DecodeException.class, () -> d.decode(v));
    assertThat(e).as("decode of %s must fail", Arrays.toString(v)).isNotNull();
    return e.kind();
  }

  static int headerLength(WireFormat f) {
    return f == WireFormat.SINGLE_OBJECT ? 10 : 5;
  }

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void roundTripV2(WireFormat f) throws Exception {
    byte[] bytes = encoder(f, V2).encode(v2Record());
    RecordDecoder d = decoder(f);
    GenericRecord back = d.decode(bytes);
    assertThat(back.getSchema()).isEqualTo(V2);
    assertThat(back).isEqualTo(v2Record());
    assertThat(back.get("origin")).isInstanceOf(String.class).isEqualTo("JFK");
    assertThat(back.get("event_id")).isEqualTo("evt-1");
    assertThat(back.get("event_time")).isEqualTo(1_704_067_200_000L);
    assertThat(d.format()).isEqualTo(f);
    assertThat(d.readerSchema()).isEqualTo(V2);
  }

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void aRecordAfterAFailedOneDecodesWhole(WireFormat f) throws Exception {
    // The thread's decoder is reused from record to record, also after a failure mid-record.
    RecordDecoder d = decoder(f);
    byte[] full = encoder(f, V2).encode(v2Record());
    byte[] truncated = Arrays.copyOf(full, full.length - 2);
    for (int i = 0; i < 3; i++) {
      assertThat(kindOf(d, truncated)).isEqualTo(ErrorKind.TRUNCATED);
      assertThat(d.decode(full)).isEqualTo(v2Record());
    }
  }

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void v1RecordDecodesAsV2WithoutCarrier(WireFormat f) throws Exception {
    byte[] bytes = encoder(f, V1).encode(v1Record());
    GenericRecord back = decoder(f).decode(bytes);
    assertThat(back.getSchema()).isEqualTo(V2);
    assertThat(back.get("carrier")).isNull();
    assertThat(back.get("event_id")).isEqualTo("evt-old");
    assertThat(back.get("origin")).isEqualTo("BOS");
    assertThat(back.get("destination")).isNull();
    assertThat(back.get("distance_km")).isEqualTo(1000.5);
    assertThat(back.get("dep_delay_min")).isNull();
    assertThat(back.get("weather")).isEqualTo("snow");
    assertThat(back.get("delayed")).isEqualTo(0);
  }

  @Test
  void headersHaveTheDocumentedLayout() {
    byte[] so = RecordEncoders.singleObject(V2).encode(v2Record());
    long fp = org.apache.avro.SchemaNormalization.parsingFingerprint64(V2);
    assertThat(so[0]).isEqualTo((byte) 0xC3);
    assertThat(so[1]).isEqualTo((byte) 0x01);
    assertThat(ByteBuffer.wrap(so, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong())
        .isEqualTo(fp);
    byte[] cf = RecordEncoders.confluent(0x01020304, V2).encode(v2Record());
    assertThat(Arrays.copyOf(cf, 5)).containsExactly(0, 1, 2, 3, 4);
    // Same body in both formats.
    assertThat(Arrays.copyOfRange(so, 10, so.length))
        .isEqualTo(Arrays.copyOfRange(cf, 5, cf.length));
  }

  @Test
  void singleObjectInteroperatesWithAvroMessageCodecs() throws Exception {
    BinaryMessageEncoder<GenericRecord> avroEnc = new BinaryMessageEncoder<>(GenericData.get(), V2);
    ByteBuffer buf = avroEnc.encode(v2Record());
    byte[] avroBytes = new byte[buf.remaining()];
    buf.get(avroBytes);
    assertThat(avroBytes).isEqualTo(RecordEncoders.singleObject(V2).encode(v2Record()));
    assertThat(decoder(WireFormat.SINGLE_OBJECT).decode(avroBytes)).isEqualTo(v2Record());

    BinaryMessageDecoder<GenericRecord> avroDec = new BinaryMessageDecoder<>(GenericData.get(), V2);
    avroDec.addSchema(V1);
    GenericRecord fromV1 = avroDec.decode(RecordEncoders.singleObject(V1).encode(v1Record()));
    assertThat(fromV1.get("carrier")).isNull();
    assertThat(fromV1.get("event_id").toString()).isEqualTo("evt-old");
  }

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void everyPrefixOfAValidRecordIsTruncated(WireFormat f) {
    RecordDecoder d = decoder(f);
    for (Schema writer : List.of(V1, V2)) {
      byte[] full = encoder(f, writer).encode(writer == V1 ? v1Record() : v2Record());
      for (int len = headerLength(f); len < full.length; len++) {
        assertThat(kindOf(d, Arrays.copyOf(full, len)))
            .as("prefix %d", len)
            .isEqualTo(ErrorKind.TRUNCATED);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void garbledBodiesAreCorruptBytes(WireFormat f) {
    RecordDecoder d = decoder(f);
    byte[] full = encoder(f, V2).encode(v2Record());
    int h = headerLength(f);

    byte[] trailing = Arrays.copyOf(full, full.length + 3);
    assertThat(kindOf(d, trailing)).isEqualTo(ErrorKind.CORRUPT_BYTES);

    byte[] negativeLength = full.clone();
    negativeLength[h] = 0x01; // zig-zag -1 as length of event_id
    assertThat(kindOf(d, negativeLength)).isEqualTo(ErrorKind.CORRUPT_BYTES);

    // origin's union branch index follows event_id (1 + 5 bytes) and event_time (6-byte varint).
    int unionPos = h + 1 + "evt-1".length() + 6;
    assertThat(full[unionPos]).isEqualTo((byte) 2); // branch 1 (string), zig-zag
    byte[] badUnion = full.clone();
    badUnion[unionPos] = 0x08; // branch 4 of a 2-branch union
    assertThat(kindOf(d, badUnion)).isEqualTo(ErrorKind.CORRUPT_BYTES);

    // event_id "a", then an 11-byte varint for event_time.
    byte[] overlongVarint = Arrays.copyOf(full, h + 14);
    overlongVarint[h] = 0x02;
    overlongVarint[h + 1] = 'a';
    Arrays.fill(overlongVarint, h + 2, h + 13, (byte) 0xFF);
    overlongVarint[h + 13] = 0x00;
    assertThat(kindOf(d, overlongVarint)).isEqualTo(ErrorKind.CORRUPT_BYTES);

    byte[] badUtf8 = full.clone();
    badUtf8[h + 1] = (byte) 0xFF; // first byte of "evt-1"
    assertThat(kindOf(d, badUtf8)).isEqualTo(ErrorKind.INVALID_UTF8);
  }

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void badHeadersAreBadHeader(WireFormat f) {
    RecordDecoder d = decoder(f);
    byte[] full = encoder(f, V2).encode(v2Record());
    assertThat(kindOf(d, new byte[0])).isEqualTo(ErrorKind.BAD_HEADER);
    assertThat(kindOf(d, null)).isEqualTo(ErrorKind.BAD_HEADER);
    assertThat(kindOf(d, Arrays.copyOf(full, headerLength(f) - 1))).isEqualTo(ErrorKind.BAD_HEADER);
    byte[] wrongMagic = full.clone();
    wrongMagic[0] = 0x7F;
    assertThat(kindOf(d, wrongMagic)).isEqualTo(ErrorKind.BAD_HEADER);
    if (f == WireFormat.SINGLE_OBJECT) {
      byte[] wrongVersion = full.clone();
      wrongVersion[1] = 0x02;
      assertThat(kindOf(d, wrongVersion)).isEqualTo(ErrorKind.BAD_HEADER);
    }
    // The other format's framing is a bad header too.
    WireFormat other =
        f == WireFormat.SINGLE_OBJECT ? WireFormat.CONFLUENT : WireFormat.SINGLE_OBJECT;
    assertThat(kindOf(d, encoder(other, V2).encode(v2Record()))).isEqualTo(ErrorKind.BAD_HEADER);
  }

  @Test
  void unknownWritersAreUnknownSchema() {
    Schema other =
        SchemaBuilder.record("FlightEvent")
            .namespace("io.driftgate.schemas")
            .fields()
            .requiredString("event_id")
            .requiredLong("event_time")
            .endRecord();
    GenericRecord r = new GenericData.Record(other);
    r.put("event_id", "x");
    r.put("event_time", 1L);
    assertThat(
            kindOf(decoder(WireFormat.SINGLE_OBJECT), RecordEncoders.singleObject(other).encode(r)))
        .isEqualTo(ErrorKind.UNKNOWN_SCHEMA);
    assertThat(
            kindOf(
                decoder(WireFormat.CONFLUENT), RecordEncoders.confluent(3, V2).encode(v2Record())))
        .isEqualTo(ErrorKind.UNKNOWN_SCHEMA);
    // A decoder without the v1 history does not know v1.
    RecordDecoder v2Only = RecordDecoders.singleObject(V2, List.of());
    assertThat(kindOf(v2Only, RecordEncoders.singleObject(V1).encode(v1Record())))
        .isEqualTo(ErrorKind.UNKNOWN_SCHEMA);
    byte[] emptyBodyUnknown = RecordEncoders.confluentHeader(77);
    assertThat(kindOf(decoder(WireFormat.CONFLUENT), emptyBodyUnknown))
        .isEqualTo(ErrorKind.UNKNOWN_SCHEMA);
  }

  @Test
  void incompatibleWriterIsRejectedUpFront() {
    Schema incompatible =
        SchemaBuilder.record("FlightEvent")
            .namespace("io.driftgate.schemas")
            .fields()
            .requiredInt("event_id")
            .endRecord();
    assertThatThrownBy(() -> RecordDecoders.singleObject(V2, List.of(incompatible)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot be read");
    assertThatThrownBy(() -> RecordDecoders.confluent(V2, Map.of(5, incompatible)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("schema id 5");
  }

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void codecsSurviveJavaSerialization(WireFormat f) throws Exception {
    RecordDecoder d = roundTrip(decoder(f));
    RecordEncoder e = roundTrip(encoder(f, V2));
    assertThat(d.decode(e.encode(v2Record()))).isEqualTo(v2Record());
    assertThat(d.decode(roundTrip(encoder(f, V1)).encode(v1Record())).get("carrier")).isNull();
    assertThat(kindOf(d, Arrays.copyOf(e.encode(v2Record()), headerLength(f) + 3)))
        .isEqualTo(ErrorKind.TRUNCATED);
    // Usable after decoding before serialization too (lazy state is transient).
    RecordDecoder used = decoder(f);
    used.decode(e.encode(v2Record()));
    assertThat(roundTrip(used).decode(e.encode(v2Record()))).isEqualTo(v2Record());
  }

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void randomGarbageNeverEscapesAsAnythingButDecodeException(WireFormat f) {
    RecordDecoder d = decoder(f);
    byte[] header = Arrays.copyOf(encoder(f, V2).encode(v2Record()), headerLength(f));
    Random rng = new Random(7);
    int corrupt = 0;
    int truncated = 0;
    for (int i = 0; i < 5_000; i++) {
      byte[] v = Arrays.copyOf(header, header.length + rng.nextInt(64));
      for (int j = header.length; j < v.length; j++) {
        v[j] = (byte) rng.nextInt(256);
      }
      try {
        d.decode(v);
      } catch (DecodeException e) {
        assertThat(e.kind())
            .isIn(ErrorKind.CORRUPT_BYTES, ErrorKind.INVALID_UTF8, ErrorKind.TRUNCATED);
        if (e.kind() != ErrorKind.TRUNCATED) {
          corrupt++;
        } else {
          truncated++;
        }
      }
    }
    assertThat(corrupt).isGreaterThan(100);
    assertThat(truncated).isGreaterThan(100);
  }

  @Test
  void concurrentDecodingIsSafe() throws Exception {
    RecordDecoder d = decoder(WireFormat.SINGLE_OBJECT);
    byte[] v2 = encoder(WireFormat.SINGLE_OBJECT, V2).encode(v2Record());
    byte[] v1 = encoder(WireFormat.SINGLE_OBJECT, V1).encode(v1Record());
    List<Thread> threads = new java.util.ArrayList<>();
    java.util.concurrent.atomic.AtomicInteger failures =
        new java.util.concurrent.atomic.AtomicInteger();
    for (int t = 0; t < 4; t++) {
      Thread th =
          new Thread(
              () -> {
                for (int i = 0; i < 2_000; i++) {
                  try {
                    if (!d.decode(v2).equals(v2Record()) || d.decode(v1).get("carrier") != null) {
                      failures.incrementAndGet();
                    }
                  } catch (Exception e) {
                    failures.incrementAndGet();
                  }
                }
              });
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) {
      th.join();
    }
    assertThat(failures.get()).isZero();
  }

  @SuppressWarnings("unchecked")
  static <T> T roundTrip(T o) throws Exception {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bos)) {
      out.writeObject(o);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bos.toByteArray()))) {
      return (T) in.readObject();
    }
  }
}
