package io.driftgate.trainer;

import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.core.testing.CommittedLakes;
import java.nio.file.Path;

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
}
