package io.driftgate.streaming.ingest;

import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.schemas.DeadLetter;
import io.driftgate.streaming.row.LakeEntry;
import io.driftgate.testkit.generate.FlightStreamGenerator;
import io.driftgate.testkit.generate.GeneratedRecord;
import io.driftgate.testkit.generate.GeneratorConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/** TestPipeline + PAssert: every record leaves on exactly one output, classified as injected. */
@RunWith(JUnit4.class)
public class DecodeAndCleanTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  static final ModelSpec SPEC = SpecLoader.load(Path.of("../examples/flight-delay/driftgate.yaml"));

  @Test
  public void routesEveryRecordToExactlyOneOutput() {
    GeneratorConfig config =
        GeneratorConfig.builder()
            .seed(3)
            .count(3000)
            .malformedFraction(0.1)
            .v1Fraction(0.1)
            .build();
    List<SourceRecord> input = new ArrayList<>();
    Map<String, Long> expectedDead = new HashMap<>();
    Map<Long, byte[]> valueByOffset = new HashMap<>();
    long valid = 0;
    long offset = 0;
    for (GeneratedRecord g : (Iterable<GeneratedRecord>) () -> new FlightStreamGenerator(config)) {
      input.add(new SourceRecord("flights", 0, offset, g.eventTimeMillis(), g.key(), g.value()));
      valueByOffset.put(offset, g.value());
      if (g.expectedError() == null) {
        valid++;
      } else {
        expectedDead.merge(g.expectedError().name(), 1L, Long::sum);
      }
      offset++;
    }
    PCollectionTuple out =
        pipeline
            .apply(Create.of(input).withCoder(SourceRecord.SourceRecordCoder.of()))
            .apply(DecodeAndClean.builder().setModelSpec(SPEC).build());

    PAssert.thatSingleton(out.get(DecodeAndClean.ROWS).apply("CountRows", Count.globally()))
        .isEqualTo(valid);
    PCollection<KV<String, Long>> deadByKind =
        out.get(DecodeAndClean.DEAD_LETTERS)
            .apply("Kind", MapElements.into(TypeDescriptors.strings()).via(LakeEntry::errorKind))
            .apply("CountKinds", Count.perElement());
    List<KV<String, Long>> expected = new ArrayList<>();
    expectedDead.forEach((k, v) -> expected.add(KV.of(k, v)));
    PAssert.that(deadByKind).containsInAnyOrder(expected);

    // Every dead letter carries the original bytes and its source offset.
    PCollection<Boolean> intact =
        out.get(DecodeAndClean.DEAD_LETTERS)
            .apply(
                "Intact",
                MapElements.into(TypeDescriptors.booleans())
                    .via(
                        (LakeEntry e) -> {
                          DeadLetter dl = decode(e.payload());
                          byte[] original = new byte[dl.getOriginalBytes().remaining()];
                          dl.getOriginalBytes().duplicate().get(original);
                          return dl.getSourceOffset() == e.offset()
                              && Arrays.equals(original, valueByOffset.get(e.offset()))
                              && !dl.getMessage().isBlank();
                        }));
    PAssert.that(intact)
        .satisfies(
            all -> {
              all.forEach(
                  ok -> {
                    if (!ok) {
                      throw new AssertionError("a dead letter lost its bytes, offset or reason");
                    }
                  });
              return null;
            });
    pipeline.run().waitUntilFinish();
  }

  static DeadLetter decode(byte[] payload) {
    try {
      return new SpecificDatumReader<>(DeadLetter.class)
          .read(null, DecoderFactory.get().binaryDecoder(payload, null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
