package io.driftgate.gate;

import io.driftgate.core.lake.LakeCommitter;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.testkit.generate.DriftConfig;
import io.driftgate.testkit.lake.CommittedLakes;
import io.driftgate.trainer.TrainRequest;
import io.driftgate.trainer.TrainResult;
import io.driftgate.trainer.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Small committed lakes of generated flight events (as ingestion writes them), optionally with a
 * drift, or with a leaked copy of the label as an extra numeric feature ({@value #LEAK}).
 */
final class GateLakes {
  static final Path SPEC = Path.of("../../examples/flight-delay/driftgate.yaml");
  static final String LEAK = "delayed_copy";

  private GateLakes() {}

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
   * partitions, one commit per 1000 records of a partition (see {@link CommittedLakes}). With a
   * leaky spec every record also carries {@value #LEAK} = its label.
   */
  static CommittedLakes.Lake write(
      Path root, Path specFile, long seed, int count, DriftConfig drift) {
    CommittedLakes lake =
        CommittedLakes.of(specFile)
            .seed(seed)
            .count(count)
            .partitions(2)
            .rowsPerCommit(1000)
            .drift(drift);
    ModelSpec spec = SpecLoader.load(specFile);
    if (spec.feature(LEAK).isPresent()) {
      Schema leakySchema = spec.readerSchema();
      lake = lake.beforeCleaning(decoded -> withLeakedLabel(decoded, leakySchema));
    }
    return lake.write(root);
  }

  /** {@code decoded} read as {@code leakySchema}, with {@value #LEAK} set to its label. */
  private static GenericRecord withLeakedLabel(GenericRecord decoded, Schema leakySchema) {
    GenericRecord r = new GenericData.Record(leakySchema);
    for (Schema.Field f : decoded.getSchema().getFields()) {
      r.put(f.name(), decoded.get(f.name()));
    }
    Object label = decoded.get("delayed");
    r.put(LEAK, label == null ? null : ((Number) label).doubleValue());
    return r;
  }

  /**
   * Appends {@code count} more generated records (seed {@code seed}, event times from the
   * generator's usual start: inside the range of a lake written with the defaults) of the example
   * spec to the lake as ingestion does: cleaned, written as data files, one {@link LakeCommitter}
   * commit into the same tables, from Kafka partition {@code partition} (new to the lake) at
   * offsets {@code 0..count}.
   *
   * @return the records snapshot of the commit
   */
  static long append(Path root, long seed, int count, int partition) {
    return CommittedLakes.of(SPEC)
        .seed(seed)
        .count(count)
        .firstPartition(partition)
        .write(root)
        .lastSnapshot();
  }

  /** Trains a tiny MLP (hidden 16, 3 epochs) on {@code [from, to)}. */
  static Path train(CommittedLakes.Lake lake, Path out, long from, long to, long seed) {
    return train(lake, out, from, to, seed, 3);
  }

  /** Trains a tiny MLP (hidden 16) on {@code [from, to)}. */
  static Path train(CommittedLakes.Lake lake, Path out, long from, long to, long seed, int epochs) {
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
