package io.driftgate.trainer;

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
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.generic.GenericRecord;

/** Builds small committed lakes of generated flight events, as ingestion would write them. */
final class TestLakes {
  static final String TOPIC = "flights";
  static final Path SPEC = Path.of("../../examples/flight-delay/driftgate.yaml");

  private TestLakes() {}

  static ModelSpec spec() {
    return SpecLoader.load(SPEC);
  }

  /** What was written. */
  record Lake(
      Path root, long minEventTime, long maxEventTime, int rows, List<CommitMarker> commits) {
    /** A range that covers every row. */
    long from() {
      return minEventTime;
    }

    long to() {
      return maxEventTime + 1;
    }
  }

  /**
   * Writes {@code count} valid generated records (seed {@code seed}) over {@code partitions} Kafka
   * partitions (record i goes to partition i % partitions at offset i / partitions), one commit per
   * {@code commitSize} records of a partition, one file per event hour in a commit.
   */
  static Lake write(Path root, long seed, int count, int partitions, int commitSize) {
    ModelSpec spec = spec();
    RecordCleaner cleaner = new RecordCleaner(spec);
    FlightStreamGenerator gen =
        new FlightStreamGenerator(
            GeneratorConfig.builder().seed(seed).count(count).malformedFraction(0).build());
    List<List<GenericRecord>> pending = new ArrayList<>();
    List<long[]> pendingOffsets = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      pending.add(new ArrayList<>());
      pendingOffsets.add(new long[] {-1, -1});
    }
    LakeLayout layout = new LakeLayout(root);
    List<CommitMarker> commits = new ArrayList<>();
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    int rows = 0;
    for (int i = 0; i < count; i++) {
      GeneratedRecord g = gen.generate(i);
      int partition = i % partitions;
      long offset = i / partitions;
      GenericRecord decoded;
      try {
        decoded = gen.decoder().decode(g.value());
      } catch (DecodeException e) {
        throw new IllegalStateException("generated a bad record", e);
      }
      CleanResult r =
          cleaner.clean(decoded, new SourceRef(TOPIC, partition, offset, g.eventTimeMillis()));
      if (!(r instanceof CleanResult.Accepted a)) {
        throw new IllegalStateException("rejected: " + r);
      }
      pending.get(partition).add(a.row());
      long[] off = pendingOffsets.get(partition);
      if (off[0] < 0) {
        off[0] = offset;
      }
      off[1] = offset + 1;
      min = Math.min(min, g.eventTimeMillis());
      max = Math.max(max, g.eventTimeMillis());
      rows++;
      if (pending.get(partition).size() >= commitSize || i >= count - partitions) {
        commits.add(commit(layout, spec, cleaner, partition, pending.get(partition), off));
        pending.get(partition).clear();
        off[0] = -1;
      }
    }
    return new Lake(root, min, max, rows, commits);
  }

  private static CommitMarker commit(
      LakeLayout layout,
      ModelSpec spec,
      RecordCleaner cleaner,
      int partition,
      List<GenericRecord> rows,
      long[] offsets) {
    String commitId =
        String.format("%013d-p%d-%08d", 1_000_000L + offsets[0], partition, offsets[0]);
    Map<String, List<GenericRecord>> byHour = new TreeMap<>();
    for (GenericRecord r : rows) {
      String key = r.get(CleanSchema.EVENT_DATE) + "|" + r.get(CleanSchema.EVENT_HOUR);
      byHour.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
    }
    List<LakeFile> files = new ArrayList<>();
    for (Map.Entry<String, List<GenericRecord>> e : byHour.entrySet()) {
      String[] parts = e.getKey().split("\\|");
      int hour = Integer.parseInt(parts[1]);
      String rel = LakeLayout.dataFile(parts[0], hour, commitId);
      Path file = layout.resolve(rel);
      try {
        Files.createDirectories(file.getParent());
      } catch (IOException ex) {
        throw new UncheckedIOException(ex);
      }
      ParquetFiles.write(file, cleaner.cleanSchema(), e.getValue());
      long lo = Long.MAX_VALUE;
      long hi = Long.MIN_VALUE;
      for (GenericRecord r : e.getValue()) {
        long t = ((Number) r.get(CleanSchema.EVENT_TIME)).longValue();
        lo = Math.min(lo, t);
        hi = Math.max(hi, t);
      }
      files.add(new LakeFile(rel, FileKind.DATA, parts[0], hour, e.getValue().size(), lo, hi));
    }
    CommitMarker m =
        new CommitMarker(
            commitId,
            spec.model(),
            1L,
            TOPIC,
            partition,
            List.<long[]>of(new long[] {offsets[0], offsets[1]}),
            rows.size(),
            0,
            Map.of(),
            files,
            List.of());
    layout.publish(m);
    return m;
  }
}
