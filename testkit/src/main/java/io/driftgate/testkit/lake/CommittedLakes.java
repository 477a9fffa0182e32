package io.driftgate.testkit.lake;

import io.driftgate.core.ingest.CleanResult;
import io.driftgate.core.ingest.RecordCleaner;
import io.driftgate.core.ingest.SourceRef;
import io.driftgate.core.lake.LakeBatch;
import io.driftgate.core.lake.LakeCatalog;
import io.driftgate.core.lake.LakeCommitter;
import io.driftgate.core.lake.LakeFileWriter;
import io.driftgate.core.lake.LakeRows;
import io.driftgate.core.lake.LakeTables;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.core.wire.DecodeException;
import io.driftgate.schemas.DeadLetter;
import io.driftgate.testkit.generate.DriftConfig;
import io.driftgate.testkit.generate.FlightStreamGenerator;
import io.driftgate.testkit.generate.GeneratedRecord;
import io.driftgate.testkit.generate.GeneratorConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.apache.avro.generic.GenericRecord;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.Record;

/**
 * A small committed lake of generated flight events for tests, written the way ingestion writes it:
 * generator, {@link RecordCleaner}, Iceberg data files per event hour ({@link LakeFileWriter}), one
 * {@link LakeCommitter} commit (one records-table snapshot) per batch, in the embedded catalog.
 *
 * <p>Record {@code i} goes to Kafka partition {@code i % partitions} at offset {@code i /
 * partitions}; a partition commits every {@code rowsPerCommit} of its records and after its last
 * one. Only valid records are generated (no malformed fraction): a lake here holds no dead letters,
 * and a record the cleaner rejects fails the test setup.
 *
 * <p>Immutable: each option returns a copy, so one base recipe can be varied per test.
 *
 * <pre>{@code
 * CommittedLakes.Lake lake =
 *     CommittedLakes.of(spec).seed(7).count(600).partitions(2).rowsPerCommit(100).write(root);
 * }</pre>
 */
public final class CommittedLakes {
  /** The Kafka topic every commit names. */
  public static final String TOPIC = "flights";

  private final Path spec;
  private final long seed;
  private final int count;
  private final int partitions;
  private final int rowsPerCommit;
  private final DriftConfig drift;
  private final UnaryOperator<GenericRecord> beforeCleaning;
  private final int firstPartition;

  private CommittedLakes(
      Path spec,
      long seed,
      int count,
      int partitions,
      int rowsPerCommit,
      DriftConfig drift,
      UnaryOperator<GenericRecord> beforeCleaning,
      int firstPartition) {
    this.firstPartition = firstPartition;
    this.spec = Objects.requireNonNull(spec, "spec");
    if (count < 0 || partitions < 1 || rowsPerCommit < 1) {
      throw new IllegalArgumentException(
          "count >= 0, partitions >= 1 and rowsPerCommit >= 1, got "
              + count
              + ", "
              + partitions
              + ", "
              + rowsPerCommit);
    }
    this.seed = seed;
    this.count = count;
    this.partitions = partitions;
    this.rowsPerCommit = rowsPerCommit;
    this.drift = drift;
    this.beforeCleaning = Objects.requireNonNull(beforeCleaning, "beforeCleaning");
  }

  /** 1000 records of seed 0 for the model of {@code spec}: one partition, one commit, no drift. */
  public static CommittedLakes of(Path spec) {
    return new CommittedLakes(
        spec, 0, 1000, 1, Integer.MAX_VALUE, null, UnaryOperator.identity(), 0);
  }

  public CommittedLakes seed(long seed) {
    return new CommittedLakes(
        spec, seed, count, partitions, rowsPerCommit, drift, beforeCleaning, firstPartition);
  }

  public CommittedLakes count(int count) {
    return new CommittedLakes(
        spec, seed, count, partitions, rowsPerCommit, drift, beforeCleaning, firstPartition);
  }

  public CommittedLakes partitions(int partitions) {
    return new CommittedLakes(
        spec, seed, count, partitions, rowsPerCommit, drift, beforeCleaning, firstPartition);
  }

  public CommittedLakes rowsPerCommit(int rowsPerCommit) {
    return new CommittedLakes(
        spec, seed, count, partitions, rowsPerCommit, drift, beforeCleaning, firstPartition);
  }

  /** The generator's drift; null for none. */
  public CommittedLakes drift(DriftConfig drift) {
    return new CommittedLakes(
        spec, seed, count, partitions, rowsPerCommit, drift, beforeCleaning, firstPartition);
  }

  /**
   * Rewrites each decoded generated record before the cleaner sees it, e.g. to add a field that a
   * variant of the spec reads but the generator does not write.
   */
  public CommittedLakes beforeCleaning(UnaryOperator<GenericRecord> beforeCleaning) {
    return new CommittedLakes(
        spec, seed, count, partitions, rowsPerCommit, drift, beforeCleaning, firstPartition);
  }

  /**
   * Numbers the Kafka partitions from {@code first} on, e.g. to append to an existing lake from a
   * partition it does not hold yet ({@link #write} into an existing lake adds commits to it).
   */
  public CommittedLakes firstPartition(int first) {
    return new CommittedLakes(
        spec, seed, count, partitions, rowsPerCommit, drift, beforeCleaning, first);
  }

  /**
   * What was written.
   *
   * @param snapshots the records table's snapshot ids, one per commit, oldest first
   */
  public record Lake(
      Path root,
      Path spec,
      GeneratorConfig generated,
      long minEventTime,
      long maxEventTime,
      int rows,
      List<Long> snapshots) {

    /** The start of a range that covers every row. */
    public long from() {
      return minEventTime;
    }

    /** The (exclusive) end of a range that covers every row. */
    public long to() {
      return maxEventTime + 1;
    }

    /** The nominal event time of generated record {@code index}, without the generator's jitter. */
    public long timeOf(long index) {
      return generated.startTimeMillis() + index * generated.eventSpacingMillis();
    }

    /** The lake's records snapshot after the last commit. */
    public long lastSnapshot() {
      return snapshots.get(snapshots.size() - 1);
    }
  }

  /** Writes the lake under {@code root} (embedded catalog) and commits it. */
  public Lake write(Path root) {
    return write(root, LakeCatalog.embedded(root));
  }

  /**
   * Writes the lake in {@code lakeCatalog} (e.g. PostgreSQL with a {@code gs://} warehouse) and
   * commits it; {@code root} is what {@link Lake#root()} reports.
   */
  public Lake write(Path root, LakeCatalog lakeCatalog) {
    ModelSpec model = SpecLoader.load(spec);
    RecordCleaner cleaner = new RecordCleaner(model);
    GeneratorConfig config =
        GeneratorConfig.builder().seed(seed).count(count).malformedFraction(0).drift(drift).build();
    FlightStreamGenerator gen = new FlightStreamGenerator(config);
    Catalog catalog = lakeCatalog.open();
    try {
      Table records = LakeTables.ensureRecords(catalog, model.model(), cleaner.cleanSchema());
      Table deadLetters =
          LakeTables.ensureDeadLetters(catalog, model.model(), DeadLetter.getClassSchema());
      LakeCommitter committer = new LakeCommitter(records, deadLetters, "committed-lakes");
      LakeRows rows = new LakeRows(records.schema(), cleaner.cleanSchema());
      List<PendingCommit> pending = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        pending.add(new PendingCommit(firstPartition + p));
      }
      List<Long> snapshots = new ArrayList<>();
      long min = Long.MAX_VALUE;
      long max = Long.MIN_VALUE;
      for (int i = 0; i < count; i++) {
        GeneratedRecord g = gen.generate(i);
        PendingCommit commit = pending.get(i % partitions);
        long offset = i / partitions;
        CleanResult result =
            cleaner.clean(
                beforeCleaning.apply(decode(gen, g)),
                new SourceRef(TOPIC, commit.partition, offset, g.eventTimeMillis()));
        if (!(result instanceof CleanResult.Accepted accepted)) {
          throw new IllegalStateException("rejected: " + result);
        }
        commit.add(offset, rows.convert(accepted.row()));
        min = Math.min(min, g.eventTimeMillis());
        max = Math.max(max, g.eventTimeMillis());
        boolean lastOfPartition = i >= count - partitions;
        if (commit.rows.size() >= rowsPerCommit || lastOfPartition) {
          snapshots.add(commit.commit(records, committer));
        }
      }
      return new Lake(root, spec, config, min, max, count, List.copyOf(snapshots));
    } finally {
      if (catalog instanceof java.io.Closeable c) {
        try {
          c.close();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }

  private static GenericRecord decode(FlightStreamGenerator gen, GeneratedRecord g) {
    try {
      return gen.decoder().decode(g.value());
    } catch (DecodeException e) {
      throw new IllegalStateException("generated a bad record", e);
    }
  }

  /** The rows of one partition since its last commit. */
  private static final class PendingCommit {
    final int partition;
    final List<Record> rows = new ArrayList<>();
    final LakeBatch batch = new LakeBatch();

    PendingCommit(int partition) {
      this.partition = partition;
    }

    void add(long offset, Record row) {
      batch.offset(TOPIC, partition, offset);
      rows.add(row);
    }

    /** Writes the data files, commits them and starts the next commit; returns the snapshot. */
    long commit(Table records, LakeCommitter committer) {
      List<DataFile> files = LakeFileWriter.writeAll(records, partition, rows);
      LakeBatch done = new LakeBatch().merge(batch).recordFiles(files, rows.size());
      long snapshot = committer.commit(done).recordsSnapshotId();
      rows.clear();
      batch.offsets().clear();
      return snapshot;
    }
  }
}
