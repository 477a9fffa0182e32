package io.driftgate.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.TestSpecs;
import io.driftgate.core.testing.FlightEvents;
import io.driftgate.schemas.ErrorKind;
import io.driftgate.schemas.Stage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;

class RecordCleanerTest {

  /** 2023-11-14T22:13:20Z. */
  static final long T = 1_700_000_000_000L;

  static final SourceRef REF = new SourceRef("flights", 3, 42L, T + 5);

  final ModelSpec spec = TestSpecs.example();
  final RecordCleaner cleaner = new RecordCleaner(spec);

  /** A valid FlightEvent (reader schema v2) that passes every rule of the example spec. */
  GenericData.Record valid() {
    return FlightEvents.valid(spec.readerSchema(), "e-1", T);
  }

  static GenericRecord accepted(CleanResult result) {
    assertThat(result).isInstanceOf(CleanResult.Accepted.class);
    assertThat(result.isAccepted()).isTrue();
    return ((CleanResult.Accepted) result).row();
  }

  static CleanResult.Rejected rejected(CleanResult result, ErrorKind kind, String field) {
    assertThat(result).isInstanceOf(CleanResult.Rejected.class);
    CleanResult.Rejected r = (CleanResult.Rejected) result;
    assertThat(r.isAccepted()).isFalse();
    assertThat(r.kind()).isEqualTo(kind);
    assertThat(r.field()).isEqualTo(field);
    return r;
  }

  static ModelSpec specWithDistancePolicy(String policy, boolean required) {
    return TestSpecs.withFeatures(
        """
          - name: distance_km
            kind: numeric
            required: %s
            min: 0
            max: 20000
            nonFinite: %s
          - name: origin
            kind: categorical
        """
            .formatted(required, policy));
  }

  @Test
  void validRecordBecomesALakeRow() {
    GenericRecord row = accepted(cleaner.clean(valid(), REF));
    assertThat(row.getSchema()).isEqualTo(CleanSchema.of(spec));
    assertThat(GenericData.get().validate(row.getSchema(), row)).isTrue();
    assertThat(row.get("id")).isEqualTo("e-1");
    assertThat(row.get("event_time")).isEqualTo(T);
    assertThat(row.get("event_date")).isEqualTo("2023-11-14");
    assertThat(row.get("event_hour")).isEqualTo(22);
    assertThat(row.get("distance_km")).isEqualTo(3400.0);
    assertThat(row.get("dep_hour")).isEqualTo(8.0);
    assertThat(row.get("origin")).isEqualTo("ATL");
    assertThat(row.get("weather")).isEqualTo("clear");
    assertThat(row.get("carrier")).isEqualTo("DL");
    assertThat(row.get("delayed")).isEqualTo(1);
    assertThat(row.get("_source_partition")).isEqualTo(3);
    assertThat(row.get("_source_offset")).isEqualTo(42L);
    assertThat(row.get("_source_timestamp")).isEqualTo(T + 5);
  }

  @Test
  void aRepeatedCategoryAsTheDecodersGiveIt_aNewStringPerRecord_isOneStringInstance() {
    // The decoders give a new String per record; the rows get one normalized instance per
    // category, so the steps after validation hash each category once, not once per row.
    GenericData.Record r = valid();
    r.put("origin", new String(" atl".toCharArray()));
    r.put("carrier", new String("DL".toCharArray()));
    GenericRecord first = accepted(cleaner.clean(r, REF));
    r.put("origin", new String(" atl".toCharArray()));
    r.put("carrier", new String("DL".toCharArray()));
    GenericRecord second = accepted(cleaner.clean(r, REF));
    assertThat(second.get("origin")).isEqualTo("ATL").isSameAs(first.get("origin"));
    assertThat(second.get("carrier")).isEqualTo("DL").isSameAs(first.get("carrier"));
    // a rejected value is checked again each time, and an accepted one is not taken for it
    r.put("origin", new String("XXX".toCharArray()));
    rejected(cleaner.clean(r, REF), ErrorKind.UNKNOWN_CATEGORY, "origin");
    rejected(cleaner.clean(r, REF), ErrorKind.UNKNOWN_CATEGORY, "origin");
    r.put("origin", "bos");
    assertThat(accepted(cleaner.clean(r, REF)).get("origin")).isEqualTo("BOS");
  }

  @Test
  void aRepeatedCategoryGivesTheSameRowAndARejectedOneStaysRejected() {
    GenericData.Record r = valid();
    // One Utf8 reused across records, as a decoder may reuse its objects.
    Utf8 origin = new Utf8("  atl ");
    r.put("origin", origin);
    for (int i = 0; i < 3; i++) {
      assertThat(accepted(cleaner.clean(r, REF)).get("origin")).isEqualTo("ATL");
    }
    origin.set("bos");
    assertThat(accepted(cleaner.clean(r, REF)).get("origin")).isEqualTo("BOS");
    origin.set("XXX");
    for (int i = 0; i < 2; i++) {
      rejected(cleaner.clean(r, REF), ErrorKind.UNKNOWN_CATEGORY, "origin");
    }
    origin.set("  atl ");
    assertThat(accepted(cleaner.clean(r, REF)).get("origin")).isEqualTo("ATL");
    // A carrier (no allowed list) with more distinct values than the cleaner keeps: all right.
    for (int i = 0; i < RecordCleaner.ACCEPTED_CATEGORIES + 20; i++) {
      r.put("carrier", new Utf8(" c" + i));
      assertThat(accepted(cleaner.clean(r, REF)).get("carrier")).isEqualTo("C" + i);
    }
  }

  @Test
  void derivedDateAndHourAreUtc() {
    GenericData.Record r = valid();
    r.put("event_time", 1_704_067_199_999L); // 2023-12-31T23:59:59.999Z
    GenericRecord row = accepted(cleaner.clean(r, REF));
    assertThat(row.get("event_date")).isEqualTo("2023-12-31");
    assertThat(row.get("event_hour")).isEqualTo(23);
    r.put("event_time", 0L);
    row = accepted(cleaner.clean(r, REF));
    assertThat(row.get("event_date")).isEqualTo("1970-01-01");
    assertThat(row.get("event_hour")).isEqualTo(0);
  }

  @Test
  void categoricalsAreTrimmedAndNormalized() {
    GenericData.Record r = valid();
    r.put("origin", new Utf8("  atl "));
    r.put("destination", "sfo");
    r.put("weather", " RAIN");
    r.put("carrier", " ua ");
    GenericRecord row = accepted(cleaner.clean(r, REF));
    assertThat(row.get("origin")).isEqualTo("ATL");
    assertThat(row.get("destination")).isEqualTo("SFO");
    assertThat(row.get("weather")).isEqualTo("rain");
    assertThat(row.get("carrier")).isEqualTo("UA");
  }

  @Test
  void labelIsCopiedAndMayBeNull() {
    GenericData.Record r = valid();
    r.put("delayed", null);
    assertThat(accepted(cleaner.clean(r, REF)).get("delayed")).isNull();
    r.put("delayed", 0);
    assertThat(accepted(cleaner.clean(r, REF)).get("delayed")).isEqualTo(0);
  }

  @Test
  void optionalFeatureMayBeNull() {
    GenericData.Record r = valid();
    r.put("dep_delay_min", null);
    r.put("weather", null);
    GenericRecord row = accepted(cleaner.clean(r, REF));
    assertThat(row.get("dep_delay_min")).isNull();
    assertThat(row.get("weather")).isNull();
  }

  @Test
  void missingEventTime() {
    GenericData.Record r = valid();
    r.put("event_time", null);
    CleanResult.Rejected rej =
        rejected(cleaner.clean(r, REF), ErrorKind.BAD_EVENT_TIME, "event_time");
    assertThat(rej.stage()).isEqualTo(Stage.VALIDATE);
    assertThat(rej.message()).contains("event_time is missing");
  }

  @Test
  void negativeEventTime() {
    GenericData.Record r = valid();
    r.put("event_time", -5L);
    CleanResult.Rejected rej =
        rejected(cleaner.clean(r, REF), ErrorKind.BAD_EVENT_TIME, "event_time");
    assertThat(rej.stage()).isEqualTo(Stage.VALIDATE);
    assertThat(rej.message()).contains("event_time = -5 is negative");
  }

  @Test
  void unparseableEventTime() {
    Schema s = SchemaBuilder.record("Raw").fields().optionalString("event_time").endRecord();
    GenericData.Record r = new GenericData.Record(s);
    r.put("event_time", "yesterday");
    CleanResult.Rejected rej =
        rejected(cleaner.clean(r, REF), ErrorKind.BAD_EVENT_TIME, "event_time");
    assertThat(rej.message()).contains("\"yesterday\" cannot be parsed");
  }

  @Test
  void eventTimeIsCheckedBeforeFeatures() {
    GenericData.Record r = valid();
    r.put("event_time", -1L);
    r.put("origin", null);
    r.put("distance_km", Double.NaN);
    rejected(cleaner.clean(r, REF), ErrorKind.BAD_EVENT_TIME, "event_time");
  }

  @Test
  void missingRequired() {
    GenericData.Record r = valid();
    r.put("origin", null);
    CleanResult.Rejected rej =
        rejected(cleaner.clean(r, REF), ErrorKind.MISSING_REQUIRED, "origin");
    assertThat(rej.stage()).isEqualTo(Stage.VALIDATE);
    assertThat(rej.message()).isEqualTo("origin is missing (null) but is required");
  }

  @Test
  void featuresAreCheckedInSpecOrder() {
    GenericData.Record r = valid();
    r.put("destination", "XXX"); // 5th feature: UNKNOWN_CATEGORY
    r.put("origin", null); // 4th feature: MISSING_REQUIRED
    r.put("dep_hour", 99.0); // 2nd feature: OUT_OF_RANGE
    rejected(cleaner.clean(r, REF), ErrorKind.OUT_OF_RANGE, "dep_hour");
    r.put("dep_hour", 8.0);
    rejected(cleaner.clean(r, REF), ErrorKind.MISSING_REQUIRED, "origin");
    r.put("origin", "ATL");
    rejected(cleaner.clean(r, REF), ErrorKind.UNKNOWN_CATEGORY, "destination");
  }

  @Test
  void nonFiniteRejectedByDefault() {
    for (double bad :
        new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      GenericData.Record r = valid();
      r.put("distance_km", bad);
      CleanResult.Rejected rej =
          rejected(cleaner.clean(r, REF), ErrorKind.NON_FINITE, "distance_km");
      assertThat(rej.stage()).isEqualTo(Stage.VALIDATE);
      assertThat(rej.message()).contains("distance_km = " + bad).contains("not finite");
    }
  }

  @Test
  void nonFiniteNullPolicyOnOptionalFeatureBecomesNull() {
    RecordCleaner c = new RecordCleaner(specWithDistancePolicy("null", false));
    GenericData.Record r = valid();
    r.put("distance_km", Double.NaN);
    assertThat(accepted(c.clean(r, REF)).get("distance_km")).isNull();
  }

  @Test
  void nonFiniteNullPolicyOnRequiredFeatureIsNonFinite() {
    RecordCleaner c = new RecordCleaner(specWithDistancePolicy("null", true));
    GenericData.Record r = valid();
    r.put("distance_km", Double.POSITIVE_INFINITY);
    CleanResult.Rejected rej = rejected(c.clean(r, REF), ErrorKind.NON_FINITE, "distance_km");
    assertThat(rej.message()).contains("Infinity").contains("is required");
  }

  @Test
  void nonFiniteKeepPolicySkipsRangeCheck() {
    RecordCleaner c = new RecordCleaner(specWithDistancePolicy("keep", true));
    GenericData.Record r = valid();
    r.put("distance_km", Double.POSITIVE_INFINITY);
    assertThat(accepted(c.clean(r, REF)).get("distance_km")).isEqualTo(Double.POSITIVE_INFINITY);
    r.put("distance_km", Double.NaN);
    assertThat((Double) accepted(c.clean(r, REF)).get("distance_km")).isNaN();
    r.put("distance_km", -1.0); // finite values are still range-checked
    rejected(c.clean(r, REF), ErrorKind.OUT_OF_RANGE, "distance_km");
  }

  @Test
  void outOfRange() {
    GenericData.Record r = valid();
    r.put("distance_km", -5.0);
    CleanResult.Rejected below =
        rejected(cleaner.clean(r, REF), ErrorKind.OUT_OF_RANGE, "distance_km");
    assertThat(below.stage()).isEqualTo(Stage.VALIDATE);
    assertThat(below.message()).isEqualTo("distance_km = -5.0 is below min 0.0");
    r.put("distance_km", 20000.5);
    CleanResult.Rejected above =
        rejected(cleaner.clean(r, REF), ErrorKind.OUT_OF_RANGE, "distance_km");
    assertThat(above.message()).isEqualTo("distance_km = 20000.5 is above max 20000.0");
    r.put("distance_km", 20000.0); // bounds are inclusive
    accepted(cleaner.clean(r, REF));
    r.put("distance_km", 0.0);
    accepted(cleaner.clean(r, REF));
  }

  @Test
  void unknownCategory() {
    GenericData.Record r = valid();
    r.put("weather", " Hail ");
    CleanResult.Rejected rej =
        rejected(cleaner.clean(r, REF), ErrorKind.UNKNOWN_CATEGORY, "weather");
    assertThat(rej.stage()).isEqualTo(Stage.VALIDATE);
    assertThat(rej.message())
        .contains("weather = \" Hail \" (normalized \"hail\") is not an allowed category")
        .contains("allowed: clear, rain, snow, fog, storm");
  }

  @Test
  void openCategoryAcceptsAnyValue() {
    GenericData.Record r = valid();
    r.put("carrier", "zz9");
    assertThat(accepted(cleaner.clean(r, REF)).get("carrier")).isEqualTo("ZZ9");
  }

  @Test
  void integerNumericsBecomeDoubles() {
    Schema s =
        SchemaBuilder.record("IntEvent")
            .fields()
            .requiredLong("event_time")
            .requiredInt("distance_km")
            .requiredString("origin")
            .endRecord();
    GenericData.Record r = new GenericData.Record(s);
    r.put("event_time", T);
    r.put("distance_km", 12);
    r.put("origin", "ATL");
    GenericRecord row =
        accepted(new RecordCleaner(TestSpecs.parse(TestSpecs.MINIMAL)).clean(r, REF));
    assertThat(row.get("distance_km")).isEqualTo(12.0);
    assertThat(row.get("id")).isNull();
  }

  @Test
  void v1RecordResolvedToV2PassesWithNullCarrier() throws Exception {
    Schema v1 = spec.historySchemas().get(0);
    GenericData.Record old = new GenericData.Record(v1);
    old.put("event_id", "old-1");
    old.put("event_time", T);
    old.put("origin", "BOS");
    old.put("destination", "JFK");
    old.put("distance_km", 300.0);
    old.put("dep_hour", 7.0);
    old.put("dep_delay_min", null);
    old.put("weather", "fog");
    old.put("delayed", 0);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(bytes, null);
    new GenericDatumWriter<GenericRecord>(v1).write(old, enc);
    enc.flush();
    GenericRecord resolved =
        new GenericDatumReader<GenericRecord>(v1, spec.readerSchema())
            .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
    assertThat(resolved.get("carrier")).isNull();

    GenericRecord row = accepted(cleaner.clean(resolved, REF));
    assertThat(row.get("carrier")).isNull();
    assertThat(row.get("origin")).isEqualTo("BOS");
    assertThat(row.get("id")).isEqualTo("old-1");
    // an unresolved v1 record (no carrier field at all) is handled the same way
    assertThat(accepted(cleaner.clean(old, REF)).get("carrier")).isNull();
  }

  @Test
  void wrongJavaTypeIsInternalNotAnException() {
    Schema s =
        SchemaBuilder.record("Odd")
            .fields()
            .requiredLong("event_time")
            .requiredString("distance_km")
            .endRecord();
    GenericData.Record r = new GenericData.Record(s);
    r.put("event_time", T);
    r.put("distance_km", "far");
    CleanResult.Rejected rej = rejected(cleaner.clean(r, REF), ErrorKind.INTERNAL, "distance_km");
    assertThat(rej.stage()).isEqualTo(Stage.PREPROCESS);
    assertThat(rej.message()).contains("far");
    CleanResult.Rejected none = rejected(cleaner.clean(null, REF), ErrorKind.INTERNAL, null);
    assertThat(none.stage()).isEqualTo(Stage.PREPROCESS);
  }

  @Test
  void cleanerIsSerializable() throws Exception {
    cleaner.cleanSchema();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(cleaner);
    }
    RecordCleaner copy;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (RecordCleaner) in.readObject();
    }
    assertThat(copy.spec()).isEqualTo(spec);
    assertThat(accepted(copy.clean(valid(), REF))).isEqualTo(accepted(cleaner.clean(valid(), REF)));
  }
}
