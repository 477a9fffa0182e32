package io.driftgate.core.ingest;

import static io.driftgate.core.ingest.RecordCleanerTest.accepted;
import static io.driftgate.core.ingest.RecordCleanerTest.rejected;
import static io.driftgate.core.spec.TestSpecs.MINIMAL;
import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.TestSpecs;
import io.driftgate.core.testing.FlightEvents;
import io.driftgate.schemas.ErrorKind;
import io.driftgate.schemas.Stage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The validation rules added for hostile input (issue 13): labels by kind, event time against the
 * clock, string lengths and ids. Each test fails on a cleaner without the rule (the record was
 * accepted into the lake).
 */
class ValidationRulesTest {

  /** The wall clock of these tests: 2026-12-03T10:00:00Z. */
  static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");

  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  /** An event time in January 2026, like the demo's and the tests' generated streams. */
  static final long JANUARY = Instant.parse("2026-01-05T00:00:00Z").toEpochMilli();

  static final SourceRef REF = new SourceRef("flights", 0, 7L, JANUARY);

  @TempDir Path tmp;

  final ModelSpec example = TestSpecs.example();
  final RecordCleaner cleaner = new RecordCleaner(example, CLOCK);

  GenericData.Record valid() {
    return FlightEvents.valid(example.readerSchema(), "e-1", JANUARY);
  }

  /** A spec over a schema whose label field {@code y} has {@code labelType}; its label block. */
  ModelSpec labelSpec(String labelType, String labelBlock) throws IOException {
    Path f = tmp.resolve("Event" + Math.abs((labelType + labelBlock).hashCode()) + ".avsc");
    Files.writeString(
        f,
        """
        {"type": "record", "name": "Event", "fields": [
          {"name": "event_time", "type": "long"},
          {"name": "distance_km", "type": "double"},
          {"name": "origin", "type": "string"},
          {"name": "y", "type": %s}
        ]}
        """
            .formatted(labelType));
    return TestSpecs.parse(
        MINIMAL
            .replace("../schemas/src/main/avro/FlightEvent.avsc", f.toString())
            .replace("label:\n  field: delayed\n  kind: binary\n", labelBlock));
  }

  static GenericData.Record labelled(ModelSpec spec, Object y) {
    GenericData.Record r = new GenericData.Record(spec.readerSchema());
    r.put("event_time", JANUARY);
    r.put("distance_km", 10.0);
    r.put("origin", "ATL");
    r.put("y", y);
    return r;
  }

  static CleanResult clean(ModelSpec spec, GenericData.Record r) {
    return new RecordCleaner(spec, CLOCK).clean(r, REF);
  }

  // ------------------------------------------------------------------ 1. labels by kind

  @Test
  void binaryLabelOutsideZeroAndOneIsInvalid() {
    for (int bad : new int[] {7, -1, 2, Integer.MIN_VALUE}) {
      GenericData.Record r = valid();
      r.put("delayed", bad);
      CleanResult.Rejected rej =
          rejected(cleaner.clean(r, REF), ErrorKind.INVALID_LABEL, "delayed");
      assertThat(rej.stage()).isEqualTo(Stage.VALIDATE);
      assertThat(rej.message())
          .isEqualTo("delayed = " + bad + " is not a binary label; expected 0 or 1");
    }
    GenericData.Record r = valid();
    r.put("delayed", 0);
    assertThat(accepted(cleaner.clean(r, REF)).get("delayed")).isEqualTo(0);
  }

  @Test
  void longBinaryLabelIsNotTruncatedToAnInt() throws IOException {
    // 2^32 + 1 became (int) 1 before: a wrong label, silently.
    ModelSpec spec = labelSpec("\"long\"", "label:\n  field: y\n  kind: binary\n");
    rejected(clean(spec, labelled(spec, 4_294_967_297L)), ErrorKind.INVALID_LABEL, "y");
    assertThat(accepted(clean(spec, labelled(spec, 1L))).get("y")).isEqualTo(1);
  }

  @Test
  void booleanBinaryLabelIsOneOrZero() throws IOException {
    ModelSpec spec = labelSpec("\"boolean\"", "label:\n  field: y\n  kind: binary\n");
    assertThat(accepted(clean(spec, labelled(spec, true))).get("y")).isEqualTo(1);
    assertThat(accepted(clean(spec, labelled(spec, false))).get("y")).isEqualTo(0);
  }

  @Test
  void binaryLabelThroughAMapping() throws IOException {
    ModelSpec spec =
        labelSpec(
            "[\"null\", \"string\"]",
            "label:\n  field: y\n  kind: binary\n  mapping: {yes: 1, no: 0, true: 1, false: 0}\n");
    assertThat(accepted(clean(spec, labelled(spec, "yes"))).get("y")).isEqualTo(1);
    assertThat(accepted(clean(spec, labelled(spec, " no "))).get("y")).isEqualTo(0);
    assertThat(accepted(clean(spec, labelled(spec, "true"))).get("y")).isEqualTo(1);
    CleanResult.Rejected maybe =
        rejected(clean(spec, labelled(spec, "maybe")), ErrorKind.INVALID_LABEL, "y");
    assertThat(maybe.message())
        .isEqualTo(
            "y = \"maybe\" is not a key of label.mapping; mapped values: yes, no, true, false");
    // with a mapping, the mapping is the whole list of values
    rejected(clean(spec, labelled(spec, "1")), ErrorKind.INVALID_LABEL, "y");
    rejected(clean(spec, labelled(spec, "YES")), ErrorKind.INVALID_LABEL, "y");
  }

  @Test
  void multiclassLabelMustBeADeclaredClass() throws IOException {
    ModelSpec spec =
        labelSpec("\"int\"", "label:\n  field: y\n  kind: multiclass\n  classes: [0, 1, 2]\n");
    assertThat(accepted(clean(spec, labelled(spec, 2))).get("y")).isEqualTo(2);
    CleanResult.Rejected rej =
        rejected(clean(spec, labelled(spec, 3)), ErrorKind.INVALID_LABEL, "y");
    assertThat(rej.message()).isEqualTo("y = 3 is not one of the declared classes [0, 1, 2]");
    rejected(clean(spec, labelled(spec, -1)), ErrorKind.INVALID_LABEL, "y");
  }

  @Test
  void multiclassWithoutDeclaredClassesRejectsNegativeAndHugeClasses() throws IOException {
    ModelSpec spec = labelSpec("\"long\"", "label:\n  field: y\n  kind: multiclass\n");
    assertThat(accepted(clean(spec, labelled(spec, 41L))).get("y")).isEqualTo(41);
    rejected(clean(spec, labelled(spec, -1L)), ErrorKind.INVALID_LABEL, "y");
    rejected(clean(spec, labelled(spec, 1L << 40)), ErrorKind.INVALID_LABEL, "y");
  }

  @Test
  void multiclassEnumLabelThroughAMapping() throws IOException {
    String animal =
        "{\"type\": \"enum\", \"name\": \"Animal\", \"symbols\": [\"CAT\", \"DOG\", \"EMU\"]}";
    ModelSpec spec =
        labelSpec(animal, "label:\n  field: y\n  kind: multiclass\n  mapping: {CAT: 0, DOG: 1}\n");
    Schema enumSchema = spec.readerSchema().getField("y").schema();
    assertThat(
            accepted(clean(spec, labelled(spec, new GenericData.EnumSymbol(enumSchema, "DOG"))))
                .get("y"))
        .isEqualTo(1);
    rejected(
        clean(spec, labelled(spec, new GenericData.EnumSymbol(enumSchema, "EMU"))),
        ErrorKind.INVALID_LABEL,
        "y");
  }

  @Test
  void regressionLabelMustBeFiniteAndInRange() throws IOException {
    ModelSpec spec =
        labelSpec("\"double\"", "label:\n  field: y\n  kind: regression\n  min: 0\n  max: 100\n");
    assertThat(accepted(clean(spec, labelled(spec, 42.5))).get("y")).isEqualTo(42.5);
    for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
      CleanResult.Rejected rej =
          rejected(clean(spec, labelled(spec, bad)), ErrorKind.INVALID_LABEL, "y");
      assertThat(rej.message()).contains("is not finite");
    }
    assertThat(rejected(clean(spec, labelled(spec, -0.5)), ErrorKind.INVALID_LABEL, "y").message())
        .isEqualTo("y = -0.5 is below label.min 0.0");
    assertThat(rejected(clean(spec, labelled(spec, 100.5)), ErrorKind.INVALID_LABEL, "y").message())
        .isEqualTo("y = 100.5 is above label.max 100.0");
  }

  @Test
  void regressionLabelWithoutRangeStillMustBeFinite() throws IOException {
    ModelSpec spec = labelSpec("\"float\"", "label:\n  field: y\n  kind: regression\n");
    rejected(clean(spec, labelled(spec, Float.NEGATIVE_INFINITY)), ErrorKind.INVALID_LABEL, "y");
    assertThat(accepted(clean(spec, labelled(spec, -1e30f))).get("y")).isEqualTo((double) -1e30f);
  }

  @Test
  void nullLabelIsKeptByDefaultAndRejectedWhenAsked() {
    GenericData.Record r = valid();
    r.put("delayed", null);
    assertThat(accepted(cleaner.clean(r, REF)).get("delayed")).isNull();

    ModelSpec strict =
        TestSpecs.parse(MINIMAL.replace("  kind: binary\n", "  kind: binary\n  onNull: reject\n"));
    GenericData.Record s = valid();
    s.put("delayed", null);
    CleanResult.Rejected rej = rejected(clean(strict, s), ErrorKind.MISSING_LABEL, "delayed");
    assertThat(rej.stage()).isEqualTo(Stage.VALIDATE);
    assertThat(rej.message()).isEqualTo("delayed is missing (null) and label.onNull is reject");
  }

  // ------------------------------------------------------------------ 2. event time bounds

  @Test
  void eventTimeInYear9999IsInTheFuture() {
    GenericData.Record r = valid();
    r.put("event_time", RecordCleaner.MAX_EVENT_TIME);
    CleanResult.Rejected rej =
        rejected(cleaner.clean(r, REF), ErrorKind.EVENT_TIME_IN_FUTURE, "event_time");
    assertThat(rej.stage()).isEqualTo(Stage.VALIDATE);
    assertThat(rej.message())
        .startsWith("event_time = 253402300799999 (9999-12-31T23:59:59.999Z) is ")
        .contains("ahead of the clock (2026-12-03T10:00:00Z)")
        .endsWith("eventTime.maxFutureSkew is 1h");
  }

  @Test
  void eventTimeUpToTheSkewAheadIsAccepted() {
    GenericData.Record r = valid();
    r.put("event_time", NOW.plus(Duration.ofHours(1)).toEpochMilli());
    accepted(cleaner.clean(r, REF));
    r.put("event_time", NOW.plus(Duration.ofHours(1)).toEpochMilli() + 1);
    CleanResult.Rejected rej =
        rejected(cleaner.clean(r, REF), ErrorKind.EVENT_TIME_IN_FUTURE, "event_time");
    assertThat(rej.message()).contains("is 1h1ms ahead of the clock");
  }

  @Test
  void isoEventTimeIsBoundedToo() {
    org.apache.avro.Schema s =
        org.apache.avro.SchemaBuilder.record("Raw")
            .fields()
            .requiredString("event_time")
            .requiredDouble("distance_km")
            .requiredString("origin")
            .endRecord();
    GenericData.Record r = new GenericData.Record(s);
    r.put("event_time", "9999-01-01T00:00:00Z");
    r.put("distance_km", 1.0);
    r.put("origin", "ATL");
    rejected(clean(TestSpecs.parse(MINIMAL), r), ErrorKind.EVENT_TIME_IN_FUTURE, "event_time");
  }

  @Test
  void maxAgeIsOffByDefault() {
    GenericData.Record r = valid();
    r.put("event_time", JANUARY); // eleven months before the clock: the demo's streams
    accepted(cleaner.clean(r, REF));
    r.put("event_time", 0L);
    accepted(cleaner.clean(r, REF));
  }

  @Test
  void maxAgeRejectsOlderEventTimes() {
    ModelSpec spec =
        TestSpecs.parse(
            MINIMAL.replace("  field: event_time\n", "  field: event_time\n  maxAge: 30d\n"));
    GenericData.Record r = new GenericData.Record(spec.readerSchema());
    r.put("event_id", "e");
    r.put("distance_km", 1.0);
    r.put("origin", "ATL");
    r.put("event_time", NOW.minus(Duration.ofDays(29)).toEpochMilli());
    accepted(clean(spec, r));
    r.put("event_time", JANUARY);
    CleanResult.Rejected rej = rejected(clean(spec, r), ErrorKind.EVENT_TIME_TOO_OLD, "event_time");
    assertThat(rej.message())
        .startsWith(
            "event_time = " + JANUARY + " (2026-01-05T00:00:00Z) is 332d10h behind the clock")
        .endsWith("eventTime.maxAge is 30d");
  }

  @Test
  void zeroFutureSkewRejectsAnyFutureEventTime() {
    ModelSpec spec =
        TestSpecs.parse(
            MINIMAL.replace("  field: event_time\n", "  field: event_time\n  maxFutureSkew: 0s\n"));
    GenericData.Record r = new GenericData.Record(spec.readerSchema());
    r.put("event_id", "e");
    r.put("distance_km", 1.0);
    r.put("origin", "ATL");
    r.put("event_time", NOW.toEpochMilli());
    accepted(clean(spec, r));
    r.put("event_time", NOW.toEpochMilli() + 1);
    rejected(clean(spec, r), ErrorKind.EVENT_TIME_IN_FUTURE, "event_time");
  }

  @Test
  void eventTimeBoundsComeBeforeFeatures() {
    GenericData.Record r = valid();
    r.put("event_time", NOW.plus(Duration.ofDays(1)).toEpochMilli());
    r.put("origin", null);
    r.put("delayed", 7);
    rejected(cleaner.clean(r, REF), ErrorKind.EVENT_TIME_IN_FUTURE, "event_time");
  }

  // ------------------------------------------------------------------ 3. lengths and ids

  @Test
  void emptyAndBlankIdsAreRejected() {
    GenericData.Record r = valid();
    r.put("event_id", "");
    CleanResult.Rejected empty = rejected(cleaner.clean(r, REF), ErrorKind.EMPTY_ID, "event_id");
    assertThat(empty.stage()).isEqualTo(Stage.VALIDATE);
    assertThat(empty.message())
        .isEqualTo("event_id is empty; an id must have at least one visible character");
    r.put("event_id", " \t ");
    assertThat(rejected(cleaner.clean(r, REF), ErrorKind.EMPTY_ID, "event_id").message())
        .contains("is blank (only whitespace)");
  }

  @Test
  void longIdIsTooLong() {
    GenericData.Record r = valid();
    r.put("event_id", "x".repeat(100_000));
    CleanResult.Rejected rej = rejected(cleaner.clean(r, REF), ErrorKind.TOO_LONG, "event_id");
    assertThat(rej.message())
        .startsWith("event_id = \"" + "x".repeat(64) + "... (100000 chars)\"")
        .endsWith("has 100000 characters; id.maxLength is 256");
    assertThat(rej.message().length()).isLessThan(200);
    r.put("event_id", "x".repeat(256));
    assertThat(accepted(cleaner.clean(r, REF)).get("id")).isEqualTo("x".repeat(256));
    r.put("event_id", "x".repeat(257));
    rejected(cleaner.clean(r, REF), ErrorKind.TOO_LONG, "event_id");
  }

  @Test
  void lengthsCountCharactersNotUtf16Units() {
    String plane1 = new String(Character.toChars(0x1F6EB)); // an airplane, two UTF-16 units
    GenericData.Record r = valid();
    r.put("event_id", plane1.repeat(256));
    accepted(cleaner.clean(r, REF));
    r.put("event_id", plane1.repeat(257));
    rejected(cleaner.clean(r, REF), ErrorKind.TOO_LONG, "event_id");
  }

  @Test
  void longCategoricalIsTooLong() {
    GenericData.Record r = valid();
    r.put("carrier", "Q".repeat(900_000)); // an open category: any value was accepted
    CleanResult.Rejected rej = rejected(cleaner.clean(r, REF), ErrorKind.TOO_LONG, "carrier");
    assertThat(rej.stage()).isEqualTo(Stage.VALIDATE);
    assertThat(rej.message()).endsWith("has 900000 characters; maxLength is 1024");
    assertThat(rej.message().length()).isLessThan(200);
    r.put("carrier", "Q".repeat(1024));
    accepted(cleaner.clean(r, REF));
  }

  @Test
  void categoricalMaxLengthFromTheSpec() {
    ModelSpec spec =
        TestSpecs.parse(
            MINIMAL.replace(
                "    kind: categorical\n", "    kind: categorical\n    maxLength: 3\n"));
    GenericData.Record r = new GenericData.Record(spec.readerSchema());
    r.put("event_time", JANUARY);
    r.put("distance_km", 1.0);
    r.put("origin", "ATL");
    accepted(clean(spec, r));
    r.put("origin", "ATLX");
    assertThat(rejected(clean(spec, r), ErrorKind.TOO_LONG, "origin").message())
        .isEqualTo("origin = \"ATLX\" has 4 characters; maxLength is 3");
  }

  @Test
  void tooLongComesBeforeUnknownCategory() {
    GenericData.Record r = valid();
    r.put("origin", "Z".repeat(5000)); // origin has an allowed list
    rejected(cleaner.clean(r, REF), ErrorKind.TOO_LONG, "origin");
  }

  @Test
  void longUnparseableEventTimeIsQuotedShort() {
    org.apache.avro.Schema s =
        org.apache.avro.SchemaBuilder.record("Raw")
            .fields()
            .requiredString("event_time")
            .endRecord();
    GenericData.Record r = new GenericData.Record(s);
    r.put("event_time", "y".repeat(500_000));
    CleanResult.Rejected rej =
        rejected(cleaner.clean(r, REF), ErrorKind.BAD_EVENT_TIME, "event_time");
    assertThat(rej.message().length()).isLessThan(200);
  }
}
