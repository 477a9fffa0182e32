package io.driftgate.cli;

import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --spec}, {@code --bootstrap-servers} and {@code --lake} options many commands share.
 */
public final class SpecOption {
  static final String DEFAULT_SPEC = "examples/flight-delay/driftgate.yaml";

  @Option(
      names = "--spec",
      description = "Model spec (driftgate.yaml). Default: ${DEFAULT-VALUE}.",
      defaultValue = DEFAULT_SPEC)
  public Path spec;

  @Option(
      names = "--bootstrap-servers",
      description = "Kafka bootstrap servers; overrides the spec's source.kafka.bootstrapServers.")
  String bootstrapServers;

  @Option(names = "--lake", description = "Lake directory; overrides the spec's lake.path.")
  Path lake;

  public ModelSpec load() {
    if (!Files.exists(spec)) {
      throw new IllegalArgumentException(
          "--spec: file " + spec + " does not exist; pass --spec=<path to driftgate.yaml>");
    }
    ModelSpec s = SpecLoader.load(spec);
    if (bootstrapServers != null) {
      s = s.withBootstrapServers(bootstrapServers);
    }
    if (lake != null) {
      s = s.withLakePath(lake);
    }
    return s;
  }
}
