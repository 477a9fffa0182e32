package io.driftgate.trainer;

import io.driftgate.core.generate.FlightStreamGenerator;
import io.driftgate.core.generate.GeneratedRecord;
import io.driftgate.core.generate.GeneratorConfig;
import io.driftgate.core.ingest.CleanResult;
import io.driftgate.core.ingest.RecordCleaner;
import io.driftgate.core.ingest.SourceRef;
import io.driftgate.core.lake.Lake;
import io.driftgate.core.lake.LakeBatch;
import io.driftgate.core.lake.LakeCatalog;
import io.driftgate.core.lake.LakeCommitter;
import io.driftgate.core.lake.LakeFileWriter;
import io.driftgate.core.lake.LakeRows;
import io.driftgate.core.lake.LakeTables;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.core.testing.CommittedLakes;
import io.driftgate.core.wire.DecodeException;
import io.driftgate.schemas.DeadLetter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.Record;

/** Small committed lakes of the flight-delay example for the trainer's tests. */
final class TestLakes {
  static final Path SPEC = Path.of("../../examples/flight-delay/driftgate.yaml");

  private TestLakes() {}

  static ModelSpec spec() {
    return SpecLoader.load(SPEC);
  }

  /**
   * Writes {@code count} valid generated records (seed {@code seed}) over {@code partitions} Kafka
   * partitions, one commit per {@code commitSize} records of a partition (see {@link
   * CommittedLakes}).
   */
  static CommittedLakes.Lake write(
      Path root, long seed, int count, int partitions, int commitSize) {
    return CommittedLakes.of(SPEC)
        .seed(seed)
        .count(count)
        .partitions(partitions)
        .rowsPerCommit(commitSize)
        .write(root);
  }

  /** The records table's metadata file of the lake under {@code root}, now. */
  static String metadataLocation(Path root) {
    try (Lake lake = Lake.open(root)) {
      return lake.metadataLocation();
    }
  }

  /**
   * Appends {@code count} more generated records (seed {@code seed}, event times from the
   * generator's usual start, so inside the range of a lake written with the defaults) to the lake
   * under {@code root} as ingestion does: cleaned, written as data files, one {@link LakeCommitter}
   * commit into the same tables, from Kafka partition {@code partition} at offsets {@code 0..count}
   * (a partition the lake does not hold yet).
   *
   * @return the records snapshot of the commit
   */
  static long append(Path root, long seed, int count, int partition) {
    ModelSpec model = spec();
    RecordCleaner cleaner = new RecordCleaner(model);
    FlightStreamGenerator gen =
        new FlightStreamGenerator(
            GeneratorConfig.builder().seed(seed).count(count).malformedFraction(0).build());
    Catalog catalog = LakeCatalog.embedded(root).open();
    try {
      Table records = LakeTables.ensureRecords(catalog, model.model(), cleaner.cleanSchema());
      Table deadLetters =
          LakeTables.ensureDeadLetters(catalog, model.model(), DeadLetter.getClassSchema());
      LakeRows rows = new LakeRows(records.schema(), cleaner.cleanSchema());
      LakeBatch batch = new LakeBatch();
      List<Record> converted = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        GeneratedRecord g = gen.generate(i);
        CleanResult result;
        try {
          result =
              cleaner.clean(
                  gen.decoder().decode(g.value()),
                  new SourceRef(CommittedLakes.TOPIC, partition, i, g.eventTimeMillis()));
        } catch (DecodeException e) {
          throw new IllegalStateException("generated a bad record", e);
        }
        if (!(result instanceof CleanResult.Accepted accepted)) {
          throw new IllegalStateException("rejected: " + result);
        }
        converted.add(rows.convert(accepted.row()));
        batch.offset(CommittedLakes.TOPIC, partition, i);
      }
      List<DataFile> files = LakeFileWriter.writeAll(records, partition, converted);
      return new LakeCommitter(records, deadLetters, "test-append")
          .commit(batch.recordFiles(files, count))
          .recordsSnapshotId();
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
