package io.driftgate.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.core.spec.TestSpecs;
import io.driftgate.core.testing.FlightEvents;
import io.driftgate.core.wire.RecordEncoders;
import io.driftgate.schemas.ErrorKind;
import io.driftgate.schemas.Stage;
import io.driftgate.testkit.generate.FlightSchemas;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;

/** Size limit, tombstones and decode failures, before the cleaner's rules. */
class RecordClassifierTest {

  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-03T10:00:00Z"), ZoneOffset.UTC);
  static final long JANUARY = Instant.parse("2026-01-05T00:00:00Z").toEpochMilli();
  static final SourceRef REF = new SourceRef("flights", 1, 9L, JANUARY);

  final ModelSpec spec = TestSpecs.example();
  final RecordClassifier classifier = RecordClassifier.of(spec, CLOCK);

  static GenericData.Record valid() {
    return FlightEvents.valid(FlightSchemas.v2(), "e-1", JANUARY);
  }

  static byte[] encode(GenericData.Record r) {
    return RecordEncoders.singleObject(FlightSchemas.v2()).encode(r);
  }

  static ModelSpec withMaxRecordBytes(int n) throws Exception {
    Path example = TestSpecs.EXAMPLE.toAbsolutePath().normalize();
    String yaml =
        Files.readString(example).replaceFirst("maxRecordBytes: \\d+", "maxRecordBytes: " + n);
    return SpecLoader.parse(yaml, example.getParent());
  }

  static CleanResult.Rejected rejected(CleanResult r, ErrorKind kind, Stage stage) {
    assertThat(r).isInstanceOf(CleanResult.Rejected.class);
    CleanResult.Rejected rej = (CleanResult.Rejected) r;
    assertThat(rej.kind()).isEqualTo(kind);
    assertThat(rej.stage()).isEqualTo(stage);
    return rej;
  }

  @Test
  void validRecordBecomesARow() {
    CleanResult r = classifier.classify(encode(valid()), REF);
    assertThat(r.isAccepted()).isTrue();
    assertThat(((CleanResult.Accepted) r).row().get("_source_offset")).isEqualTo(9L);
  }

  @Test
  void tombstoneIsCorruptBytes() {
    CleanResult.Rejected rej =
        rejected(classifier.classify(null, REF), ErrorKind.CORRUPT_BYTES, Stage.DECODE);
    assertThat(rej.message()).isEqualTo("record has no value (tombstone)");
    assertThat(rej.field()).isNull();
  }

  @Test
  void recordOverTheSizeLimitIsNotDecoded() {
    // A well-formed record whose open category carries 1.1 MB: it used to enter the lake whole.
    GenericData.Record big = valid();
    big.put("carrier", "C".repeat(1_100_000));
    byte[] value = encode(big);
    CleanResult.Rejected rej =
        rejected(classifier.classify(value, REF), ErrorKind.RECORD_TOO_LARGE, Stage.DECODE);
    assertThat(rej.message())
        .isEqualTo(
            "record value of "
                + value.length
                + " bytes is larger than source.maxRecordBytes (1048576); not decoded");
    // Garbage over the limit is rejected for its size, not its content.
    byte[] garbage = new byte[2 * 1024 * 1024];
    Arrays.fill(garbage, (byte) 0xC3);
    rejected(classifier.classify(garbage, REF), ErrorKind.RECORD_TOO_LARGE, Stage.DECODE);
  }

  @Test
  void theLimitIsInclusive() throws Exception {
    byte[] value = encode(valid());
    RecordClassifier exact = RecordClassifier.of(withMaxRecordBytes(value.length), CLOCK);
    assertThat(exact.classify(value, REF).isAccepted()).isTrue();
    RecordClassifier under = RecordClassifier.of(withMaxRecordBytes(value.length - 1), CLOCK);
    rejected(under.classify(value, REF), ErrorKind.RECORD_TOO_LARGE, Stage.DECODE);
  }

  @Test
  void decodeFailuresKeepTheirKind() {
    byte[] value = encode(valid());
    rejected(
        classifier.classify(Arrays.copyOf(value, value.length - 3), REF),
        ErrorKind.TRUNCATED,
        Stage.DECODE);
    rejected(classifier.classify(new byte[] {1, 2, 3}, REF), ErrorKind.BAD_HEADER, Stage.DECODE);
  }

  @Test
  void validationFailuresComeFromTheCleaner() {
    GenericData.Record r = valid();
    r.put("delayed", 7);
    CleanResult.Rejected rej =
        rejected(classifier.classify(encode(r), REF), ErrorKind.INVALID_LABEL, Stage.VALIDATE);
    assertThat(rej.field()).isEqualTo("delayed");
  }

  @Test
  void classifierIsSerializable() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(classifier);
    }
    RecordClassifier copy;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (RecordClassifier) in.readObject();
    }
    assertThat(copy.classify(encode(valid()), REF).isAccepted()).isTrue();
    GenericData.Record future = valid();
    future.put("event_time", Instant.parse("2027-01-01T00:00:00Z").toEpochMilli());
    rejected(copy.classify(encode(future), REF), ErrorKind.EVENT_TIME_IN_FUTURE, Stage.VALIDATE);
  }
}
