package io.driftgate.testkit.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.ingest.CleanResult;
import io.driftgate.core.ingest.RecordClassifier;
import io.driftgate.core.ingest.SourceRef;
import io.driftgate.core.spec.FeatureKind;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.schemas.ErrorKind;
import io.driftgate.testkit.generate.GeneratedRecord;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * The image and text examples' specs load, and the real classifier accepts every record their
 * producers write, drifted or not, on the real corpora.
 */
class ExampleSpecsTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-01-02T00:00:00Z"), ZoneOffset.UTC);

  @Test
  void digitsStreamIsAllValidUnderItsSpec() throws Exception {
    ModelSpec spec = SpecLoader.load(CorpusStreamTest.example("digits/driftgate.yaml"));
    assertThat(spec.features())
        .singleElement()
        .extracting(f -> f.kind())
        .isEqualTo(FeatureKind.IMAGE);
    Schema schema = CorpusStreamTest.schema("digits/DigitRecord.avsc");
    IdxImages digits = NpmMnist.read(Path.of("..").resolve(NpmMnist.DEFAULT_DIR));
    CorpusStream stream =
        CorpusStream.images(
            digits, schema, "image", new CorpusStream.Config(400, 200, 7, 0, 1_000), 30, 20);
    assertAllAccepted(spec, stream);
  }

  @Test
  void glossStreamIsAllValidUnderItsSpec() throws Exception {
    ModelSpec spec = SpecLoader.load(CorpusStreamTest.example("text/driftgate.yaml"));
    assertThat(spec.features())
        .singleElement()
        .extracting(f -> f.kind())
        .isEqualTo(FeatureKind.TEXT);
    Schema schema = CorpusStreamTest.schema("text/GlossRecord.avsc");
    CorpusStream stream =
        CorpusStream.glosses(
            WordNetGlosses.read(WordNetGlosses.DEBIAN_DIR),
            List.of("noun.animal", "noun.plant", "noun.food", "noun.artifact"),
            schema,
            "gloss",
            new CorpusStream.Config(2_000, 1_000, 7, 0, 1_000),
            new double[] {1, 1, 1, 1},
            new double[] {1, 0, 0, 3});
    assertAllAccepted(spec, stream);
  }

  @Test
  void digitsInvalidRecordsAreDeadLetteredWithTheirKind() throws Exception {
    ModelSpec spec = SpecLoader.load(CorpusStreamTest.example("digits/driftgate.yaml"));
    Schema schema = CorpusStreamTest.schema("digits/DigitRecord.avsc");
    IdxImages digits = NpmMnist.read(Path.of("..").resolve(NpmMnist.DEFAULT_DIR));
    CorpusStream stream =
        CorpusStream.images(
                digits, schema, "image", new CorpusStream.Config(600, 300, 7, 0, 1_000), 30, 20)
            .withInvalid(0.1, CorpusStream.IMAGE_INVALID_KINDS);
    assertClassifiedAsExpected(spec, stream, CorpusStream.IMAGE_INVALID_KINDS);
  }

  @Test
  void glossInvalidRecordsAreDeadLetteredWithTheirKind() throws Exception {
    ModelSpec spec = SpecLoader.load(CorpusStreamTest.example("text/driftgate.yaml"));
    Schema schema = CorpusStreamTest.schema("text/GlossRecord.avsc");
    CorpusStream stream =
        CorpusStream.glosses(
                WordNetGlosses.read(WordNetGlosses.DEBIAN_DIR),
                List.of("noun.animal", "noun.plant", "noun.food", "noun.artifact"),
                schema,
                "gloss",
                new CorpusStream.Config(600, 300, 7, 0, 1_000),
                new double[] {1, 1, 1, 1},
                new double[] {1, 0, 0, 3})
            .withInvalid(0.1, CorpusStream.TEXT_INVALID_KINDS);
    assertClassifiedAsExpected(spec, stream, CorpusStream.TEXT_INVALID_KINDS);
  }

  /** Every record gets the classification its producer announced; every kind occurs. */
  private static void assertClassifiedAsExpected(
      ModelSpec spec, CorpusStream stream, List<ErrorKind> kinds) {
    RecordClassifier classifier = RecordClassifier.of(spec, CLOCK);
    Map<ErrorKind, Integer> seen = new EnumMap<>(ErrorKind.class);
    long offset = 0;
    long valid = 0;
    while (stream.hasNext()) {
      GeneratedRecord g = stream.next();
      CleanResult r =
          classifier.classify(g.value(), new SourceRef("t", 0, offset++, g.eventTimeMillis()));
      if (g.valid()) {
        assertThat(r.isAccepted()).as("record %d: %s", offset - 1, r).isTrue();
        valid++;
      } else {
        assertThat(r).as("record %d", offset - 1).isInstanceOf(CleanResult.Rejected.class);
        CleanResult.Rejected rej = (CleanResult.Rejected) r;
        assertThat(rej.kind()).as("record %d: %s", offset - 1, r).isEqualTo(g.expectedError());
        // the reason names the feature at fault
        assertThat(rej.message())
            .as("record %d", offset - 1)
            .contains(spec.features().get(0).name());
        seen.merge(g.expectedError(), 1, Integer::sum);
      }
    }
    assertThat(seen.keySet()).containsExactlyInAnyOrderElementsOf(kinds);
    // about a tenth invalid (600 records, seeded)
    assertThat(offset - valid).isBetween(30L, 90L);
  }

  private static void assertAllAccepted(ModelSpec spec, CorpusStream stream) {
    RecordClassifier classifier = RecordClassifier.of(spec, CLOCK);
    long offset = 0;
    while (stream.hasNext()) {
      GeneratedRecord g = stream.next();
      CleanResult r =
          classifier.classify(g.value(), new SourceRef("t", 0, offset++, g.eventTimeMillis()));
      assertThat(r.isAccepted()).as("record %d: %s", offset - 1, r).isTrue();
    }
    assertThat(offset).isGreaterThan(0);
  }
}
