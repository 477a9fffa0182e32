package io.driftgate.streaming.monitor;

import io.driftgate.core.drift.profile.DatasetProfile;
import io.driftgate.core.ingest.CleanResult;
import io.driftgate.core.ingest.CleanSchema;
import io.driftgate.core.ingest.RecordCleaner;
import io.driftgate.core.ingest.SourceRef;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.streaming.row.LakeEntry;
import io.driftgate.testkit.generate.FlightStreamGenerator;
import io.driftgate.testkit.generate.GeneratedRecord;
import io.driftgate.testkit.generate.GeneratorConfig;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/** TestStream: on-time windows, a late revision within the allowed lateness, too-late drops. */
@RunWith(JUnit4.class)
public class ProfileWindowsTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  static final ModelSpec SPEC = SpecLoader.load(Path.of("../examples/flight-delay/driftgate.yaml"));
  static final long WINDOW = SPEC.drift().window().toMillis(); // 30 min
  static final long LATENESS = SPEC.drift().allowedLateness().toMillis(); // 1 min

  /** Valid cleaned rows as the ingestion emits them, re-stamped at the given event times. */
  static List<LakeEntry> rows(int n) throws Exception {
    FlightStreamGenerator gen =
        new FlightStreamGenerator(
            GeneratorConfig.builder().seed(9).count(n * 2L).malformedFraction(0).build());
    RecordCleaner cleaner = new RecordCleaner(SPEC);
    GenericDatumWriter<GenericRecord> writer = new GenericDatumWriter<>(CleanSchema.of(SPEC));
    List<LakeEntry> out = new ArrayList<>();
    long offset = 0;
    while (out.size() < n && gen.hasNext()) {
      GeneratedRecord g = gen.next();
      if (cleaner.clean(
              gen.decoder().decode(g.value()),
              new SourceRef("flights", 0, offset, g.eventTimeMillis()))
          instanceof CleanResult.Accepted a) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(bytes, null);
        writer.write(a.row(), enc);
        enc.flush();
        out.add(new LakeEntry(false, 0, offset, g.eventTimeMillis(), "", bytes.toByteArray()));
      }
      offset++;
    }
    return out;
  }

  @Test
  public void windowsCloseOnTimeReviseLateAndDropTooLate() throws Exception {
    List<LakeEntry> r = rows(8);
    Instant w1 = new Instant(0);
    TestStream<LakeEntry> stream =
        TestStream.create(LakeEntry.LakeEntryCoder.of())
            .addElements(
                TimestampedValue.of(r.get(0), w1.plus(Duration.millis(1_000))),
                TimestampedValue.of(r.get(1), w1.plus(Duration.millis(60_000))),
                TimestampedValue.of(r.get(2), w1.plus(Duration.millis(WINDOW - 1))),
                TimestampedValue.of(r.get(3), w1.plus(Duration.millis(WINDOW + 5_000))))
            // Window 1 closes on time with 3 rows.
            .advanceWatermarkTo(w1.plus(Duration.millis(WINDOW + 10_000)))
            // Late but within the allowed lateness: a revision of window 1 with 4 rows.
            .addElements(TimestampedValue.of(r.get(4), w1.plus(Duration.millis(2_000))))
            .advanceProcessingTime(Duration.standardSeconds(10))
            // Past the lateness: this row is dropped from the profiles (it is still in the lake).
            .advanceWatermarkTo(w1.plus(Duration.millis(WINDOW + LATENESS + 60_000)))
            .addElements(TimestampedValue.of(r.get(5), w1.plus(Duration.millis(3_000))))
            .advanceWatermarkToInfinity();
    PCollection<String> out =
        pipeline
            .apply(stream)
            .apply(ProfileWindows.builder().setModelSpec(SPEC).build())
            .apply(
                MapElements.into(TypeDescriptors.strings())
                    .via(
                        (WindowedProfile w) ->
                            w.startMillis()
                                + "/pane"
                                + w.paneIndex()
                                + "/rows="
                                + DatasetProfile.fromBytes(w.profile()).rowCount()));
    PAssert.that(out)
        .containsInAnyOrder("0/pane0/rows=3", "0/pane1/rows=4", WINDOW + "/pane0/rows=1");
    pipeline.run().waitUntilFinish();
  }
}
