package io.driftgate.cli;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.generic.GenericRecord;

/**
 * A small committed lake of generated flight events (one partition, one commit), as ingest writes.
 */
final class TinyLake {
  static final Path SPEC = Path.of("../examples/flight-delay/driftgate.yaml");

  private TinyLake() {}

  /** The example spec's text with absolute schema paths and {@code lake} as its lake. */
  static String specFor(Path lake) throws java.io.IOException {
    String schemas = Path.of("../schemas").toAbsolutePath().normalize() + "/";
    return Files.readString(SPEC)
        .replace("../../schemas/", schemas)
        .replace(
            "schemaRegistryDir: registry",
            "schemaRegistryDir: " + SPEC.resolveSibling("registry").toAbsolutePath())
        .replace("path: ../../.driftgate/lake/flight-delay", "path: " + lake.toAbsolutePath());
  }

  static Path write(Path root, long seed, int count) throws Exception {
    ModelSpec spec = SpecLoader.load(SPEC);
    RecordCleaner cleaner = new RecordCleaner(spec);
    FlightStreamGenerator gen =
        new FlightStreamGenerator(
            GeneratorConfig.builder().seed(seed).count(count).malformedFraction(0).build());
    Map<String, List<GenericRecord>> byHour = new TreeMap<>();
    for (int i = 0; i < count; i++) {
      GeneratedRecord g = gen.generate(i);
      CleanResult r =
          cleaner.clean(
              gen.decoder().decode(g.value()), new SourceRef("flights", 0, i, g.eventTimeMillis()));
      if (!(r instanceof CleanResult.Accepted a)) {
        throw new IllegalStateException("rejected: " + r);
      }
      GenericRecord row = a.row();
      byHour
          .computeIfAbsent(
              row.get(CleanSchema.EVENT_DATE) + "|" + row.get(CleanSchema.EVENT_HOUR),
              k -> new ArrayList<>())
          .add(row);
    }
    String commitId = "0000001000000-p0-00000000";
    LakeLayout layout = new LakeLayout(root);
    List<LakeFile> files = new ArrayList<>();
    for (Map.Entry<String, List<GenericRecord>> e : byHour.entrySet()) {
      String[] parts = e.getKey().split("\\|");
      int hour = Integer.parseInt(parts[1]);
      String rel = LakeLayout.dataFile(parts[0], hour, commitId);
      Path file = layout.resolve(rel);
      Files.createDirectories(file.getParent());
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
            "flights",
            0,
            List.<long[]>of(new long[] {0, count}),
            count,
            0,
            Map.of(),
            files,
            List.of()));
    return root;
  }
}
