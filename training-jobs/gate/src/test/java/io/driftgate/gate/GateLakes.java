package io.driftgate.gate;

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
import io.driftgate.trainer.TrainRequest;
import io.driftgate.trainer.TrainResult;
import io.driftgate.trainer.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Small committed lakes of generated flight events (as ingestion writes them), optionally with a
 * drift, or with a leaked copy of the label as an extra numeric feature ({@value #LEAK}).
 */
final class GateLakes {
  static final String TOPIC = "flights";
  static final Path SPEC = Path.of("../../examples/flight-delay/driftgate.yaml");
  static final String LEAK = "delayed_copy";
  static final long START = GeneratorConfig.DEFAULT_START_TIME_MILLIS;

  private GateLakes() {}

  /** What was written; event i has time START + i seconds (the generator's spacing). */
  record Lake(Path root, Path spec, long from, long to, int rows) {
    long timeOf(long index) {
      return START + index * 1000L;
    }
  }

  /**
   * A spec variant of the example with the leaked label copy {@value #LEAK} as a numeric feature
   * (read from a schema with that extra field) listed in {@code gate.forbiddenFeatures}.
   */
  static Path leakySpec(Path dir) throws IOException {
    Path schemaDir =
        SPEC.toAbsolutePath().getParent().resolve("../../schemas/src/main/avro").normalize();
    String schema = Files.readString(schemaDir.resolve("FlightEvent.avsc"));
    int end = schema.lastIndexOf(']');
    String leaky =
        schema.substring(0, end).stripTrailing()
            + ",\n    {\"name\": \""
            + LEAK
            + "\", \"type\": [\"null\", \"double\"], \"default\": null}\n  "
            + schema.substring(end);
    Files.createDirectories(dir);
    Path schemaFile = dir.resolve("FlightEventLeaky.avsc");
    Files.writeString(schemaFile, leaky);
    String yaml = Files.readString(SPEC);
    yaml =
        yaml.replace(
                "schema: ../../schemas/src/main/avro/FlightEvent.avsc",
                "schema: " + schemaFile.toAbsolutePath())
            .replace(
                "    - ../../schemas/src/main/avro/history/FlightEvent.v1.avsc",
                "    - " + schemaDir.resolve("history/FlightEvent.v1.avsc"))
            .replace(
                "schemaRegistryDir: registry",
                "schemaRegistryDir: " + SPEC.toAbsolutePath().getParent().resolve("registry"))
            .replace(
                "lake:\n",
                "  - name: " + LEAK + "\n    kind: numeric\n    required: false\n\nlake:\n");
    int gate = yaml.indexOf("\ngate:");
    if (gate >= 0) {
      yaml = yaml.substring(0, gate + 1);
    }
    yaml += "\ngate:\n  alpha: 0.05\n  forbiddenFeatures: [" + LEAK + "]\n";
    Path spec = dir.resolve("driftgate-leaky.yaml");
    Files.writeString(spec, yaml);
    return spec;
  }

  /**
   * Writes {@code count} valid generated records (seed {@code seed}, optional drift) over 2
   * partitions, one commit per 1000 records of a partition. With a leaky spec every record also
   * carries {@value #LEAK} = its label.
   */
  static Lake write(Path root, Path specFile, long seed, int count, DriftConfig drift) {
    ModelSpec spec = SpecLoader.load(specFile);
    boolean leak = spec.feature(LEAK).isPresent();
    Schema leakySchema = leak ? spec.readerSchema() : null;
    RecordCleaner cleaner = new RecordCleaner(spec);
    FlightStreamGenerator gen =
        new FlightStreamGenerator(
            GeneratorConfig.builder()
                .seed(seed)
                .count(count)
                .malformedFraction(0)
                .drift(drift)
                .build());
    int partitions = 2;
    int commitSize = 1000;
    List<List<GenericRecord>> pending = new ArrayList<>();
    List<long[]> pendingOffsets = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      pending.add(new ArrayList<>());
      pendingOffsets.add(new long[] {-1, -1});
    }
    LakeLayout layout = new LakeLayout(root);
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
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
      if (leak) {
        GenericRecord r = new GenericData.Record(leakySchema);
        for (Schema.Field f : decoded.getSchema().getFields()) {
          r.put(f.name(), decoded.get(f.name()));
        }
        Object label = decoded.get("delayed");
        r.put(LEAK, label == null ? null : ((Number) label).doubleValue());
        decoded = r;
      }
      CleanResult res =
          cleaner.clean(decoded, new SourceRef(TOPIC, partition, offset, g.eventTimeMillis()));
      if (!(res instanceof CleanResult.Accepted a)) {
        throw new IllegalStateException("rejected: " + res);
      }
      pending.get(partition).add(a.row());
      long[] off = pendingOffsets.get(partition);
      if (off[0] < 0) {
        off[0] = offset;
      }
      off[1] = offset + 1;
      min = Math.min(min, g.eventTimeMillis());
      max = Math.max(max, g.eventTimeMillis());
      if (pending.get(partition).size() >= commitSize || i >= count - partitions) {
        commit(layout, spec, cleaner, partition, pending.get(partition), off);
        pending.get(partition).clear();
        off[0] = -1;
      }
    }
    return new Lake(root, specFile, min, max + 1, count);
  }

  private static void commit(
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
    layout.publish(
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
            List.of()));
  }

  /** Trains a tiny MLP (hidden 16, 3 epochs) on {@code [from, to)}. */
  static Path train(Lake lake, Path out, long from, long to, long seed) {
    return train(lake, out, from, to, seed, 3);
  }

  /** Trains a tiny MLP (hidden 16) on {@code [from, to)}. */
  static Path train(Lake lake, Path out, long from, long to, long seed, int epochs) {
    TrainResult r =
        Trainer.run(
            TrainRequest.builder()
                .setSpec(lake.spec())
                .setLake(lake.root())
                .setRange(from, to)
                .setOutputDir(out)
                .optSeed(seed)
                .optParam("epochs", Integer.toString(epochs))
                .optParam("hidden", "16")
                .optParam("batchSize", "64")
                .optParam("validationFraction", "0.3")
                .build());
    if (!r.hasModel()) {
      throw new IllegalStateException("training failed: " + r.status());
    }
    return out;
  }
}
