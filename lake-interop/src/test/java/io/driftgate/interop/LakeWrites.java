package io.driftgate.interop;

import io.driftgate.core.ingest.CleanResult;
import io.driftgate.core.ingest.RecordCleaner;
import io.driftgate.core.ingest.SourceRef;
import io.driftgate.core.lake.LakeBatch;
import io.driftgate.core.lake.LakeCommitter;
import io.driftgate.core.lake.LakeFileWriter;
import io.driftgate.core.lake.LakeRows;
import io.driftgate.core.lake.LakeTables;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.core.wire.DecodeException;
import io.driftgate.schemas.DeadLetter;
import io.driftgate.testkit.generate.FlightStreamGenerator;
import io.driftgate.testkit.generate.GeneratedRecord;
import io.driftgate.testkit.generate.GeneratorConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.Record;

/**
 * Writes generated flight events into any catalog the way ingestion does: {@link
 * LakeTables#ensureRecords}, {@link LakeFileWriter} (one Parquet file per event hour), one {@link
 * LakeCommitter} commit per call. Generated record {@code i} is Kafka offset {@code i} of the
 * partition a commit names.
 */
final class LakeWrites {
  static final Path SPEC = Path.of("../examples/flight-delay/driftgate.yaml");
  static final String TOPIC = "flights";

  private final ModelSpec spec = SpecLoader.load(SPEC);
  private final RecordCleaner cleaner = new RecordCleaner(spec);
  private final FlightStreamGenerator generator;
  private final Table records;
  private final LakeCommitter committer;
  private final LakeRows rows;

  /** What one commit wrote: its snapshot, data files, row ids and rows per UTC event hour. */
  record Commit(
      long snapshotId, List<DataFile> files, Set<String> ids, Map<String, Long> rowsPerHour) {}

  /**
   * @param spacingMillis nominal event-time spacing of consecutive records (sets how many event
   *     hours, i.e. partitions, a range spans)
   */
  LakeWrites(Catalog catalog, long seed, long spacingMillis) {
    this.generator =
        new FlightStreamGenerator(
            GeneratorConfig.builder()
                .seed(seed)
                .count(Long.MAX_VALUE)
                .eventSpacingMillis(spacingMillis)
                .malformedFraction(0)
                .build());
    this.records = LakeTables.ensureRecords(catalog, spec.model(), cleaner.cleanSchema());
    Table deadLetters =
        LakeTables.ensureDeadLetters(catalog, spec.model(), DeadLetter.getClassSchema());
    this.committer = new LakeCommitter(records, deadLetters, "lake-interop");
    this.rows = new LakeRows(records.schema(), cleaner.cleanSchema());
  }

  String model() {
    return spec.model();
  }

  Table records() {
    return records;
  }

  /** Writes and commits generated records {@code [from, to)} as offsets of Kafka partition 0. */
  Commit commit(long from, long to) {
    List<Record> batch = new ArrayList<>();
    LakeBatch offsets = new LakeBatch();
    Set<String> ids = new TreeSet<>();
    Map<String, Long> perHour = new TreeMap<>();
    for (long i = from; i < to; i++) {
      GeneratedRecord g = generator.generate(i);
      CleanResult result;
      try {
        result =
            cleaner.clean(
                generator.decoder().decode(g.value()),
                new SourceRef(TOPIC, 0, i, g.eventTimeMillis()));
      } catch (DecodeException e) {
        throw new IllegalStateException("generated a bad record", e);
      }
      if (!(result instanceof CleanResult.Accepted accepted)) {
        throw new IllegalStateException("rejected: " + result);
      }
      batch.add(rows.convert(accepted.row()));
      offsets.offset(TOPIC, 0, i);
      ids.add(g.eventId());
      perHour.merge(hourOf(g.eventTimeMillis()), 1L, Long::sum);
    }
    List<DataFile> files = LakeFileWriter.writeAll(records, 0, batch);
    long snapshot = committer.commit(offsets.recordFiles(files, batch.size())).recordsSnapshotId();
    return new Commit(snapshot, files, ids, perHour);
  }

  /** {@code 2024-01-01T05}: the UTC event hour of a time, as {@link #rowsPerHour} keys it. */
  static String hourOf(long epochMillis) {
    var t = Instant.ofEpochMilli(epochMillis).atZone(ZoneOffset.UTC);
    return t.toLocalDate() + "T" + String.format("%02d", t.getHour());
  }

  /** Rows per hour of several commits together. */
  static Map<String, Long> rowsPerHour(Commit... commits) {
    Map<String, Long> all = new TreeMap<>();
    for (Commit c : commits) {
      c.rowsPerHour().forEach((h, n) -> all.merge(h, n, Long::sum));
    }
    return all;
  }

  /** Ids of several commits together. */
  static Set<String> ids(Commit... commits) {
    Set<String> all = new TreeSet<>();
    for (Commit c : commits) {
      all.addAll(c.ids());
    }
    return all;
  }
}
