package io.driftgate.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;

/** Every schema is documented field by field, and every record survives its wire encoding. */
class SchemasTest {
  static final Path AVRO = Path.of("src/main/avro");
  static final Instant T = Instant.ofEpochMilli(1767571200123L);

  @Test
  void everyRecordAndFieldHasADoc() throws IOException {
    List<String> missing = new ArrayList<>();
    try (Stream<Path> files = Files.walk(AVRO)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".avsc")).toList()) {
        collectMissingDocs(
            new Schema.Parser().parse(f.toFile()), f.getFileName().toString(), missing);
      }
    }
    assertThat(missing).isEmpty();
  }

  private static void collectMissingDocs(Schema s, String where, List<String> missing) {
    switch (s.getType()) {
      case RECORD -> {
        if (s.getDoc() == null || s.getDoc().isBlank()) {
          missing.add(where + ": record " + s.getFullName());
        }
        for (Schema.Field f : s.getFields()) {
          if (f.doc() == null || f.doc().isBlank()) {
            missing.add(where + ": " + s.getName() + "." + f.name());
          }
          collectMissingDocs(f.schema(), where, missing);
        }
      }
      case UNION -> s.getTypes().forEach(t -> collectMissingDocs(t, where, missing));
      case ARRAY -> collectMissingDocs(s.getElementType(), where, missing);
      case MAP -> collectMissingDocs(s.getValueType(), where, missing);
      default -> {}
    }
  }

  static <T extends SpecificRecordBase> void roundTrip(T record) throws IOException {
    ByteBuffer bytes = (ByteBuffer) invoke(record, "toByteBuffer");
    // Single-object encoding: 0xC3 0x01 + 8-byte fingerprint.
    assertThat(bytes.get(0)).isEqualTo((byte) 0xC3);
    assertThat(bytes.get(1)).isEqualTo((byte) 0x01);
    BinaryMessageDecoder<T> decoder =
        new BinaryMessageDecoder<>(SpecificData.getForClass(record.getClass()), record.getSchema());
    T back = decoder.decode(bytes);
    assertThat(back).isEqualTo(record);
  }

  private static Object invoke(Object target, String method) {
    try {
      return target.getClass().getMethod(method).invoke(target);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void flightEventRoundTripsAndV1ResolvesToV2() throws Exception {
    FlightEvent e =
        FlightEvent.newBuilder()
            .setEventId("evt-1")
            .setEventTime(T)
            .setOrigin("SEA")
            .setDestination("SFO")
            .setDistanceKm(1093.0)
            .setDepHour(7.0)
            .setDepDelayMin(-3.0)
            .setWeather("rain")
            .setCarrier("AS")
            .setDelayed(0)
            .build();
    roundTrip(e);

    // A record written with schema v1 (no carrier) decodes into v2 through resolution.
    Schema v1 = new Schema.Parser().parse(AVRO.resolve("history/FlightEvent.v1.avsc").toFile());
    org.apache.avro.generic.GenericRecord old = new org.apache.avro.generic.GenericData.Record(v1);
    old.put("event_id", "evt-2");
    old.put("event_time", T.toEpochMilli());
    old.put("origin", "BOS");
    old.put("delayed", 1);
    ByteBuffer bytes =
        new org.apache.avro.message.BinaryMessageEncoder<org.apache.avro.generic.GenericRecord>(
                org.apache.avro.generic.GenericData.get(), v1)
            .encode(old);
    SchemaStore.Cache store = new SchemaStore.Cache();
    store.addSchema(v1);
    BinaryMessageDecoder<FlightEvent> decoder =
        new BinaryMessageDecoder<>(
            SpecificData.getForClass(FlightEvent.class), FlightEvent.getClassSchema(), store);
    FlightEvent resolved = decoder.decode(bytes);
    assertThat(resolved.getEventId()).isEqualTo("evt-2");
    assertThat(resolved.getOrigin()).isEqualTo("BOS");
    assertThat(resolved.getCarrier()).isNull();
  }

  @Test
  void deadLetterRoundTrips() throws Exception {
    roundTrip(
        DeadLetter.newBuilder()
            .setOriginalBytes(ByteBuffer.wrap(new byte[] {(byte) 0xC3, 1, 9, 9}))
            .setOriginalKey(ByteBuffer.wrap("k".getBytes()))
            .setErrorKind(ErrorKind.TRUNCATED)
            .setMessage("cut short after 4 bytes")
            .setField(null)
            .setStage(Stage.DECODE)
            .setSourceTopic("flights")
            .setSourcePartition(3)
            .setSourceOffset(1234L)
            .setSourceTimestamp(T)
            .setRejectedAt(T)
            .setModel("flight-delay")
            .build());
  }

  @Test
  void monitorRecordsRoundTrip() throws Exception {
    roundTrip(
        WindowProfile.newBuilder()
            .setModel("m")
            .setWindowStart(T)
            .setWindowEnd(T.plusSeconds(600))
            .setRowCount(2)
            .setFeatures(
                List.of(
                    FeatureProfile.newBuilder()
                        .setName("x")
                        .setKind("numeric")
                        .setCount(2)
                        .setNullCount(0)
                        .setSketch(ByteBuffer.wrap(new byte[] {1}))
                        .setHistogram(List.of(1L, 1L))
                        .setValueCounts(Map.of())
                        .build()))
            .build());
    roundTrip(
        DriftReport.newBuilder()
            .setReportId("m@t")
            .setModel("m")
            .setWindowStart(T)
            .setWindowEnd(T.plusSeconds(600))
            .setReferenceId("first-20000")
            .setRowCount(1800)
            .setReferenceRowCount(20000)
            .setDriftedShare(0.5)
            .setFeatures(
                List.of(
                    FeatureDrift.newBuilder()
                        .setName("x")
                        .setMetric("ks")
                        .setScore(0.2)
                        .setThreshold(0.05)
                        .setPValue(0.001)
                        .setDrifted(true)
                        .setNullRate(0)
                        .setReferenceNullRate(0)
                        .build()))
            .build());
    roundTrip(
        RetrainRequest.newBuilder()
            .setIdempotencyKey("abc")
            .setModel("m")
            .setReasons(List.of("drift"))
            .setEvidenceReportIds(List.of("m@t"))
            .setTriggerWindowEnd(T)
            .setDataFrom(T.minusSeconds(3600))
            .setDataTo(T)
            .setLakeSnapshot(null)
            .setValidRecordsSinceLastRun(5000)
            .setRequestedAt(T)
            .build());
  }

  @Test
  void trainingAndPromotionRecordsRoundTrip() throws Exception {
    roundTrip(
        TrainingRun.newBuilder()
            .setRunId("r1")
            .setModel("m")
            .setRequestKey("abc")
            .setStatus(RunStatus.GATING)
            .setSeed(42)
            .setParams(Map.of("lr", "0.05"))
            .setMetrics(Map.of("auc", 0.81))
            .setDataFrom(T.minusSeconds(60))
            .setDataTo(T)
            .setKafkaOffsets(Map.of("flights-0", "0-500"))
            .setModelSha256("ff")
            .setStartedAt(T)
            .setFinishedAt(null)
            .build());
    roundTrip(
        PromotionDecision.newBuilder()
            .setDecisionId("d1")
            .setModel("m")
            .setChallengerVersion("sha256:ab")
            .setChampionVersion(null)
            .setPromoted(true)
            .setActor("gate")
            .setReasons(List.of("floors: auc 0.81 >= 0.7"))
            .setMetricDeltas(Map.of("auc", 0.02))
            .setDataFrom(T.minusSeconds(60))
            .setDataTo(T)
            .setDecidedAt(T)
            .build());
  }
}
