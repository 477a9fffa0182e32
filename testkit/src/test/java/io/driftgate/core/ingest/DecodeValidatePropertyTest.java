package io.driftgate.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.core.spec.TestSpecs;
import io.driftgate.core.wire.RecordEncoders;
import io.driftgate.core.wire.WireFormat;
import io.driftgate.schemas.ErrorKind;
import io.driftgate.schemas.Stage;
import io.driftgate.testkit.generate.FlightSchemas;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Decode + validate ({@link RecordClassifier}, the code {@code DecodeAndClean} runs) on hostile
 * input: random byte strings, random records (hostile strings, numbers, labels, event times) and
 * random mutations of encoded records (bit flips, truncations, extensions, overwritten and swapped
 * byte ranges). Every input is classified, as an accepted lake row or a dead-letter kind with the
 * stage that goes with it and a short message; nothing throws, nothing hangs, the same bytes always
 * get the same answer.
 */
class DecodeValidatePropertyTest {

  static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final long JANUARY = Instant.parse("2026-01-05T00:00:00Z").toEpochMilli();
  static final SourceRef REF = new SourceRef("flights", 0, 0L, JANUARY);

  static final Set<ErrorKind> DECODE_KINDS =
      EnumSet.of(
          ErrorKind.CORRUPT_BYTES,
          ErrorKind.INVALID_UTF8,
          ErrorKind.TRUNCATED,
          ErrorKind.BAD_HEADER,
          ErrorKind.UNKNOWN_SCHEMA,
          ErrorKind.RECORD_TOO_LARGE);

  /** Longest dead-letter message accepted: messages quote values shortened, never payloads. */
  static final int MAX_MESSAGE = 1000;

  static final ModelSpec SINGLE_OBJECT = TestSpecs.example();

  /** Confluent framing, with a maximum event age and null labels rejected. */
  static final ModelSpec CONFLUENT =
      exampleIn(WireFormat.CONFLUENT, 1024 * 1024, "  maxAge: 365d\n", "  onNull: reject");

  /** A small record-size limit, so that the size check is exercised by small inputs. */
  static final ModelSpec SMALL_LIMIT = exampleIn(WireFormat.SINGLE_OBJECT, 120, "", null);

  static final RecordClassifier SO = RecordClassifier.of(SINGLE_OBJECT, CLOCK);
  static final RecordClassifier CF = RecordClassifier.of(CONFLUENT, CLOCK);
  static final RecordClassifier SMALL = RecordClassifier.of(SMALL_LIMIT, CLOCK);

  static final Schema V1 = FlightSchemas.v1();
  static final Schema V2 = FlightSchemas.v2();

  /** Runs each classification on its own daemon thread, so that a hang fails the property. */
  static final ExecutorService RUNNER =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "classify");
            t.setDaemon(true);
            return t;
          });

  /**
   * The example spec in {@code format} with {@code source.maxRecordBytes}, extra {@code eventTime}
   * lines, and its {@code label.onNull} line replaced (when not null).
   */
  static ModelSpec exampleIn(
      WireFormat format, int maxRecordBytes, String eventTimeLines, String onNullLine) {
    try {
      Path example = TestSpecs.EXAMPLE.toAbsolutePath().normalize();
      String yaml =
          Files.readString(example)
              .replace("format: single-object", "format: " + format.configName())
              .replaceFirst("maxRecordBytes: \\d+", "maxRecordBytes: " + maxRecordBytes)
              .replace("  field: event_time\n", "  field: event_time\n" + eventTimeLines);
      if (onNullLine != null) {
        yaml = yaml.replaceFirst("  onNull: keep .*", onNullLine);
        assertThat(yaml).contains(onNullLine);
      }
      ModelSpec spec = SpecLoader.parse(yaml, example.getParent());
      assertThat(spec.source().maxRecordBytes()).isEqualTo(maxRecordBytes);
      return spec;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ------------------------------------------------------------------ properties

  @Property(tries = 1000)
  void randomBytesAreClassified(
      @ForAll @Size(max = 600) byte[] body, @ForAll("headers") byte[] header) {
    byte[] value = concat(header, body);
    check(SO, value);
    check(CF, value);
    check(SMALL, value);
  }

  @Property(tries = 1000)
  void wellFormedRecordsAlwaysReachValidation(@ForAll("encoded") Encoded e) {
    CleanResult r = check(e.classifier(), e.bytes());
    // The generated records reach every validation rule, not only the first ones.
    Statistics.coverage(
        c -> {
          c.check("ACCEPTED").percentage(p -> p >= 5);
          for (String k :
              List.of(
                  "TOO_LONG",
                  "EMPTY_ID",
                  "INVALID_LABEL",
                  "EVENT_TIME_IN_FUTURE",
                  "EVENT_TIME_TOO_OLD",
                  "MISSING_LABEL",
                  "UNKNOWN_CATEGORY",
                  "OUT_OF_RANGE")) {
            c.check(k).count(n -> n > 0);
          }
        });
    if (r instanceof CleanResult.Rejected rej) {
      assertThat(rej.stage())
          .as("an intact %s record decodes: %s", e.describe(), rej)
          .isNotEqualTo(Stage.DECODE);
    }
  }

  @Property(tries = 1000)
  void mutatedRecordsAreClassified(
      @ForAll("encoded") Encoded e,
      @ForAll("mutations") List<Mutation> mutations,
      @ForAll boolean bodyOnly) {
    // Half of the mutations leave the header alone, so that most of them reach the body decoder.
    int header = bodyOnly ? (e.format() == WireFormat.SINGLE_OBJECT ? 10 : 5) : 0;
    byte[] v = Arrays.copyOfRange(e.bytes(), header, e.bytes().length);
    for (Mutation m : mutations) {
      v = m.apply(v);
    }
    check(e.classifier(), concat(Arrays.copyOf(e.bytes(), header), v));
  }

  @Property(tries = 1000)
  void recordSizeIsCheckedBeforeDecoding(
      @ForAll("encoded") Encoded e, @ForAll @Size(max = 300) byte[] tail) {
    byte[] v = concat(e.bytes(), tail);
    CleanResult r = check(SMALL, v);
    boolean tooLarge =
        r instanceof CleanResult.Rejected rej && rej.kind() == ErrorKind.RECORD_TOO_LARGE;
    assertThat(tooLarge).as("%d bytes, limit 120: %s", v.length, r).isEqualTo(v.length > 120);
  }

  // ------------------------------------------------------------------ the check

  /** Classifies {@code value} twice within a time limit and checks the answer. */
  static CleanResult check(RecordClassifier c, byte[] value) {
    CleanResult first = classifyWithin(c, value);
    assertClassified(first, value);
    Statistics.collect(first instanceof CleanResult.Rejected rj ? rj.kind().name() : "ACCEPTED");
    CleanResult again = classifyWithin(c, value);
    assertThat(again.isAccepted()).isEqualTo(first.isAccepted());
    if (first instanceof CleanResult.Rejected a && again instanceof CleanResult.Rejected b) {
      assertThat(b.kind()).isEqualTo(a.kind());
      assertThat(b.field()).isEqualTo(a.field());
    }
    return first;
  }

  static CleanResult classifyWithin(RecordClassifier c, byte[] value) {
    Future<CleanResult> f = RUNNER.submit(() -> c.classify(value, REF));
    try {
      return f.get(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      return fail("classifying %s did not finish within 10 s", show(value));
    } catch (ExecutionException e) {
      return fail("classifying " + show(value) + " threw", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted");
    }
  }

  static void assertClassified(CleanResult r, byte[] value) {
    assertThat(r).as("result for %s", show(value)).isNotNull();
    if (r instanceof CleanResult.Accepted a) {
      GenericRecord row = a.row();
      assertThat(GenericData.get().validate(row.getSchema(), row))
          .as("accepted row is a valid lake row: %s", row)
          .isTrue();
      long t = (Long) row.get(CleanSchema.EVENT_TIME);
      assertThat(t).isBetween(0L, NOW.toEpochMilli() + 3_600_000L);
      Object label = row.get("delayed");
      assertThat(label == null || label.equals(0) || label.equals(1))
          .as("binary label %s", label)
          .isTrue();
      Object id = row.get(CleanSchema.ID);
      assertThat(id).isInstanceOf(String.class);
      assertThat((String) id).isNotBlank();
      assertThat(((String) id).codePointCount(0, ((String) id).length())).isLessThanOrEqualTo(256);
    } else {
      CleanResult.Rejected rej = (CleanResult.Rejected) r;
      assertThat(rej.kind())
          .as("no internal error for %s: %s", show(value), rej.message())
          .isNotEqualTo(ErrorKind.INTERNAL);
      assertThat(rej.stage())
          .as("stage of %s", rej.kind())
          .isEqualTo(DECODE_KINDS.contains(rej.kind()) ? Stage.DECODE : Stage.VALIDATE);
      assertThat(rej.message()).isNotBlank();
      assertThat(rej.message().length()).as(rej.message()).isLessThanOrEqualTo(MAX_MESSAGE);
      if (rej.stage() == Stage.VALIDATE) {
        assertThat(rej.field()).isNotNull();
      }
    }
  }

  static String show(byte[] v) {
    byte[] head = Arrays.copyOf(v, Math.min(v.length, 48));
    return v.length + " bytes " + Arrays.toString(head) + (v.length > 48 ? "..." : "");
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  // ------------------------------------------------------------------ generators

  /** No header, a valid header of either format, or a header for an unknown writer. */
  @Provide
  Arbitrary<byte[]> headers() {
    return Arbitraries.of(
        new byte[0],
        RecordEncoders.singleObjectHeader(V2),
        RecordEncoders.singleObjectHeader(V1),
        RecordEncoders.singleObjectHeader(12345L),
        RecordEncoders.confluentHeader(FlightSchemas.CONFLUENT_ID_V1),
        RecordEncoders.confluentHeader(FlightSchemas.CONFLUENT_ID_V2),
        RecordEncoders.confluentHeader(FlightSchemas.CONFLUENT_ID_UNKNOWN));
  }

  /** A record encoded in one format with one writer, and the classifier for that format. */
  record Encoded(WireFormat format, boolean v1, byte[] bytes) {
    RecordClassifier classifier() {
      return format == WireFormat.SINGLE_OBJECT ? SO : CF;
    }

    String describe() {
      return format.configName() + (v1 ? " v1" : " v2") + " " + show(bytes);
    }
  }

  @Provide
  Arbitrary<Encoded> encoded() {
    return Combinators.combine(
            Arbitraries.of(WireFormat.class), Arbitraries.of(true, false), records())
        .as(
            (format, v1, values) -> {
              Schema writer = v1 ? V1 : V2;
              GenericData.Record r = new GenericData.Record(writer);
              for (Schema.Field f : writer.getFields()) {
                r.put(f.name(), values.get(f.name()));
              }
              byte[] bytes =
                  RecordEncoders.forFormat(
                          format,
                          v1 ? FlightSchemas.CONFLUENT_ID_V1 : FlightSchemas.CONFLUENT_ID_V2,
                          writer)
                      .encode(r);
              return new Encoded(format, v1, bytes);
            });
  }

  /** Field values of a FlightEvent: mostly plausible, often hostile. */
  Arbitrary<java.util.Map<String, Object>> records() {
    // Any characters (unpaired surrogates too), whitespace only, around the length limits.
    Arbitrary<String> hostile =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(40),
            Arbitraries.strings().withChars(' ', '\t', '\n').ofMaxLength(3),
            Arbitraries.strings().ofMinLength(200).ofMaxLength(3000),
            Arbitraries.strings().withCharRange('\uD83D', '\uD83D').ofMaxLength(2));
    Arbitrary<String> id =
        Arbitraries.frequencyOf(
            Tuple.of(8, Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(36)),
            Tuple.of(1, hostile),
            Tuple.of(1, Arbitraries.strings().alpha().ofMinLength(250).ofMaxLength(2000)));
    // Mostly in bounds, so that most records reach the later rules; each rule is also broken.
    Arbitrary<Long> eventTime =
        Arbitraries.frequencyOf(
            Tuple.of(12, Arbitraries.longs().between(JANUARY, JANUARY + 30L * 86_400_000L)),
            Tuple.of(
                1,
                Arbitraries.longs()
                    .between(NOW.toEpochMilli() - 1000, NOW.toEpochMilli() + 7_200_000L)),
            Tuple.of(1, Arbitraries.longs()),
            Tuple.of(
                1, Arbitraries.of(0L, -1L, 253_402_300_799_999L, Long.MAX_VALUE, Long.MIN_VALUE)));
    Arbitrary<String> airport =
        Arbitraries.frequencyOf(
            Tuple.of(16, Arbitraries.of(FlightSchemasAirports.AIRPORTS)),
            Tuple.of(1, hostile),
            Tuple.of(1, Arbitraries.just(null)));
    Arbitrary<String> weather =
        Arbitraries.frequencyOf(
            Tuple.of(16, Arbitraries.of("clear", "rain", "snow", " FOG ")),
            Tuple.of(1, hostile),
            Tuple.of(1, Arbitraries.just(null)));
    Arbitrary<String> carrier =
        Arbitraries.frequencyOf(
            Tuple.of(12, Arbitraries.of("DL", "ua", " B6 ")),
            Tuple.of(4, hostile),
            Tuple.of(1, Arbitraries.just(null)));
    Arbitrary<Double> anyDouble =
        Arbitraries.doubles()
            .withSpecialValue(Double.NaN)
            .withSpecialValue(Double.POSITIVE_INFINITY)
            .withSpecialValue(Double.NEGATIVE_INFINITY);
    Arbitrary<Double> distance =
        Arbitraries.frequencyOf(
            Tuple.of(16, Arbitraries.doubles().between(0, 20_000)), Tuple.of(1, anyDouble));
    Arbitrary<Double> depHour =
        Arbitraries.frequencyOf(
            Tuple.of(16, Arbitraries.doubles().between(0, 23)), Tuple.of(1, anyDouble));
    Arbitrary<Double> depDelay =
        Arbitraries.frequencyOf(
                Tuple.of(16, Arbitraries.doubles().between(-60, 1440)), Tuple.of(1, anyDouble))
            .injectNull(0.05);
    Arbitrary<Integer> label =
        Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.of(0, 1)),
            Tuple.of(2, Arbitraries.integers()),
            Tuple.of(2, Arbitraries.just(null)));
    return Combinators.combine(
            List.of(
                id.map(x -> (Object) x),
                eventTime.map(x -> (Object) x),
                airport.map(x -> (Object) x),
                airport.map(x -> (Object) x),
                distance.map(x -> (Object) x),
                depHour.map(x -> (Object) x),
                depDelay.map(x -> (Object) x),
                weather.map(x -> (Object) x),
                carrier.map(x -> (Object) x),
                label.map(x -> (Object) x)))
        .as(
            values -> {
              java.util.Map<String, Object> m = new java.util.HashMap<>();
              String[] names = {
                "event_id",
                "event_time",
                "origin",
                "destination",
                "distance_km",
                "dep_hour",
                "dep_delay_min",
                "weather",
                "carrier",
                "delayed"
              };
              for (int i = 0; i < names.length; i++) {
                m.put(names[i], values.get(i));
              }
              return m;
            });
  }

  /** One change to an encoded value. */
  interface Mutation {
    byte[] apply(byte[] v);
  }

  record FlipBit(int position, int bit) implements Mutation {
    @Override
    public byte[] apply(byte[] v) {
      if (v.length == 0) {
        return v;
      }
      byte[] out = v.clone();
      out[position % v.length] ^= (byte) (1 << bit);
      return out;
    }
  }

  record Truncate(int keep) implements Mutation {
    @Override
    public byte[] apply(byte[] v) {
      return Arrays.copyOf(v, v.length == 0 ? 0 : keep % v.length);
    }
  }

  record Extend(byte[] tail) implements Mutation {
    @Override
    public byte[] apply(byte[] v) {
      return concat(v, tail);
    }

    @Override
    public String toString() {
      return "Extend" + Arrays.toString(tail);
    }
  }

  record Overwrite(int position, byte[] bytes) implements Mutation {
    @Override
    public byte[] apply(byte[] v) {
      byte[] out = v.clone();
      for (int i = 0; i < bytes.length && v.length > 0; i++) {
        out[(position + i) % v.length] = bytes[i];
      }
      return out;
    }

    @Override
    public String toString() {
      return "Overwrite[" + position + ", " + Arrays.toString(bytes) + "]";
    }
  }

  /** Swaps two byte ranges of the same length (moves fields or parts of them around). */
  record Swap(int a, int b, int length) implements Mutation {
    @Override
    public byte[] apply(byte[] v) {
      if (v.length == 0) {
        return v;
      }
      byte[] out = v.clone();
      int n = Math.min(length, v.length / 2);
      int i = a % (v.length - n + 1);
      int j = b % (v.length - n + 1);
      byte[] tmp = Arrays.copyOfRange(v, i, i + n);
      System.arraycopy(v, j, out, i, n);
      System.arraycopy(tmp, 0, out, j, n);
      return out;
    }
  }

  @Provide
  Arbitrary<List<Mutation>> mutations() {
    Arbitrary<Integer> pos = Arbitraries.integers().between(0, 10_000);
    Arbitrary<Mutation> one =
        Arbitraries.oneOf(
            Combinators.combine(pos, Arbitraries.integers().between(0, 7)).as(FlipBit::new),
            pos.map(Truncate::new),
            Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(64).map(Extend::new),
            Combinators.combine(
                    pos, Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(8))
                .as(Overwrite::new),
            Combinators.combine(pos, pos, Arbitraries.integers().between(1, 16)).as(Swap::new));
    return one.list().ofMinSize(1).ofMaxSize(4);
  }

  /** The generator's airport codes (valid origin and destination categories). */
  static final class FlightSchemasAirports {
    static final List<String> AIRPORTS =
        List.of(io.driftgate.testkit.generate.FlightStreamGenerator.AIRPORTS);
  }
}
