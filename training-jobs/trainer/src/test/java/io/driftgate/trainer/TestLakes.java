package io.driftgate.trainer;

import io.driftgate.core.lake.Lake;
import io.driftgate.core.lake.LakeCommitter;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.testkit.lake.CommittedLakes;
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

  /** The records table's metadata file of the lake under {@code root}, now. */
  static String metadataLocation(Path root) {
    try (Lake lake = Lake.open(root)) {
      return lake.metadataLocation();
    }
  }

  /**
   * Appends {@code count} more generated records (seed {@code seed}, event times from the
   * generator's usual start, so inside the range of a lake written with the defaults) to the lake
   * under {@code root} as ingestion does: cleaned, written as data files, one {@link LakeCommitter}
   * commit into the same tables, from Kafka partition {@code partition} at offsets {@code 0..count}
   * (a partition the lake does not hold yet).
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
}
