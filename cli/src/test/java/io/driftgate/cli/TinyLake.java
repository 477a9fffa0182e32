package io.driftgate.cli;

import io.driftgate.testkit.lake.CommittedLakes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A small committed lake of generated flight events (one partition, one commit), as ingest writes.
 */
final class TinyLake {
  static final Path SPEC = Path.of("../examples/flight-delay/driftgate.yaml");

  private TinyLake() {}

  /** The example spec's text with absolute schema paths and {@code lake} as its lake. */
  static String specFor(Path lake) throws IOException {
    String schemas = Path.of("../schemas").toAbsolutePath().normalize() + "/";
    return Files.readString(SPEC)
        .replace("../../schemas/", schemas)
        .replace(
            "schemaRegistryDir: registry",
            "schemaRegistryDir: " + SPEC.resolveSibling("registry").toAbsolutePath())
        .replace("path: ../../.driftgate/lake/flight-delay", "path: " + lake.toAbsolutePath());
  }

  /** Writes {@code count} valid generated records as one commit of partition 0; returns root. */
  static Path write(Path root, long seed, int count) {
    return CommittedLakes.of(SPEC).seed(seed).count(count).write(root).root();
  }
}
