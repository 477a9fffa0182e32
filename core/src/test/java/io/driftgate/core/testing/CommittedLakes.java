package io.driftgate.core.testing;

import io.driftgate.core.generate.DriftConfig;
import io.driftgate.core.generate.FlightStreamGenerator;
import io.driftgate.core.generate.GeneratedRecord;
import io.driftgate.core.generate.GeneratorConfig;
import io.driftgate.core.ingest.CleanResult;
import io.driftgate.core.ingest.CleanSchema;
import io.driftgate.core.ingest.RecordCleaner;
import io.driftgate.core.ingest.SourceRef;
import io.driftgate.core.lake.CommitMarker;
import io.driftgate.core.lake.CommitMarker.FileKind;
import io.driftgate.core.lake.CommitMarker.LakeFile;
import io.driftgate.core.lake.LakeLayout;
import io.driftgate.core.lake.ParquetFiles;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.core.wire.DecodeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.apache.avro.generic.GenericRecord;

/**
 * A small committed lake of generated flight events for tests, written the way ingestion writes it:
 * generator, {@link RecordCleaner}, one Parquet file per event hour in a commit, one {@link
 * CommitMarker} published per commit through {@link LakeLayout}.
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

  private CommittedLakes(
      Path spec,
      long seed,
      int count,
      int partitions,
      int rowsPerCommit,
      DriftConfig drift,
      UnaryOperator<GenericRecord> beforeCleaning) {
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
    return new CommittedLakes(spec, 0, 1000, 1, Integer.MAX_VALUE, null, UnaryOperator.identity());
  }

  public CommittedLakes seed(long seed) {
    return new CommittedLakes(spec, seed, count, partitions, rowsPerCommit, drift, beforeCleaning);
  }

  public CommittedLakes count(int count) {
    return new CommittedLakes(spec, seed, count, partitions, rowsPerCommit, drift, beforeCleaning);
  }

  public CommittedLakes partitions(int partitions) {
    return new CommittedLakes(spec, seed, count, partitions, rowsPerCommit, drift, beforeCleaning);
  }

  public CommittedLakes rowsPerCommit(int rowsPerCommit) {
    return new CommittedLakes(spec, seed, count, partitions, rowsPerCommit, drift, beforeCleaning);
  }

  /** The generator's drift; null for none. */
  public CommittedLakes drift(DriftConfig drift) {
    return new CommittedLakes(spec, seed, count, partitions, rowsPerCommit, drift, beforeCleaning);
  }

  /**
   * Rewrites each decoded generated record before the cleaner sees it, e.g. to add a field that a
   * variant of the spec reads but the generator does not write.
   */
  public CommittedLakes beforeCleaning(UnaryOperator<GenericRecord> beforeCleaning) {
    return new CommittedLakes(spec, seed, count, partitions, rowsPerCommit, drift, beforeCleaning);
  }

  /** What was written. */
  public record Lake(
      Path root,
      Path spec,
      GeneratorConfig generated,
      long minEventTime,
      long maxEventTime,
      int rows,
      List<CommitMarker> commits) {

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
  }

  /** Writes the lake under {@code root} and publishes its commits. */
  public Lake write(Path root) {
    ModelSpec model = SpecLoader.load(spec);
    RecordCleaner cleaner = new RecordCleaner(model);
    GeneratorConfig config =
        GeneratorConfig.builder().seed(seed).count(count).malformedFraction(0).drift(drift).build();
    FlightStreamGenerator gen = new FlightStreamGenerator(config);
    LakeLayout layout = new LakeLayout(root);
    List<PendingCommit> pending = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      pending.add(new PendingCommit(p));
    }
    List<CommitMarker> commits = new ArrayList<>();
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
      commit.add(offset, accepted.row());
      min = Math.min(min, g.eventTimeMillis());
      max = Math.max(max, g.eventTimeMillis());
      boolean lastOfPartition = i >= count - partitions;
      if (commit.rows.size() >= rowsPerCommit || lastOfPartition) {
        commits.add(commit.publish(layout, model.model(), cleaner));
      }
    }
    return new Lake(root, spec, config, min, max, count, List.copyOf(commits));
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
    final List<GenericRecord> rows = new ArrayList<>();
    long firstOffset = -1;
    long endOffset = -1;

    PendingCommit(int partition) {
      this.partition = partition;
    }

    void add(long offset, GenericRecord row) {
      if (rows.isEmpty()) {
        firstOffset = offset;
      }
      endOffset = offset + 1;
      rows.add(row);
    }

    /** Writes one file per event hour, publishes the marker and starts the next commit. */
    CommitMarker publish(LakeLayout layout, String model, RecordCleaner cleaner) {
      // LakeLayout.newCommitId's shape, made deterministic: 1_000_000 + first offset stands in
      // for the time, the first offset for the random suffix.
      String commitId =
          String.format(
              Locale.ROOT, "%013d-p%d-%08d", 1_000_000L + firstOffset, partition, firstOffset);
      Map<String, List<GenericRecord>> byHour = new TreeMap<>();
      for (GenericRecord r : rows) {
        String key = r.get(CleanSchema.EVENT_DATE) + "|" + r.get(CleanSchema.EVENT_HOUR);
        byHour.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
      }
      List<LakeFile> files = new ArrayList<>();
      for (Map.Entry<String, List<GenericRecord>> e : byHour.entrySet()) {
        String[] dateAndHour = e.getKey().split("\\|");
        files.add(
            writeFile(
                layout,
                cleaner,
                commitId,
                dateAndHour[0],
                Integer.parseInt(dateAndHour[1]),
                e.getValue()));
      }
      CommitMarker marker =
          new CommitMarker(
              commitId,
              model,
              1L,
              TOPIC,
              partition,
              List.<long[]>of(new long[] {firstOffset, endOffset}),
              rows.size(),
              0,
              Map.of(),
              files,
              List.of());
      layout.publish(marker);
      rows.clear();
      return marker;
    }

    private static LakeFile writeFile(
        LakeLayout layout,
        RecordCleaner cleaner,
        String commitId,
        String date,
        int hour,
        List<GenericRecord> rows) {
      String rel = LakeLayout.dataFile(date, hour, commitId);
      Path file = layout.resolve(rel);
      try {
        Files.createDirectories(file.getParent());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      ParquetFiles.write(file, cleaner.cleanSchema(), rows);
      long lo = Long.MAX_VALUE;
      long hi = Long.MIN_VALUE;
      for (GenericRecord r : rows) {
        long t = ((Number) r.get(CleanSchema.EVENT_TIME)).longValue();
        lo = Math.min(lo, t);
        hi = Math.max(hi, t);
      }
      return new LakeFile(rel, FileKind.DATA, date, hour, rows.size(), lo, hi);
    }
  }
}
