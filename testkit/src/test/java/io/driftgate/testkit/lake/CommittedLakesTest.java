package io.driftgate.testkit.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.lake.Lake;
import io.driftgate.core.lake.OffsetRanges;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommittedLakesTest {
  static final Path SPEC = Path.of("../examples/flight-delay/driftgate.yaml");

  @TempDir Path root;

  @Test
  void commitsEachPartitionEveryRowsPerCommitAndAfterItsLastRecord() {
    CommittedLakes.Lake lake =
        CommittedLakes.of(SPEC).seed(3).count(250).partitions(2).rowsPerCommit(100).write(root);

    // 125 records per partition: commits of 100 and 25 each.
    assertThat(lake.snapshots()).hasSize(4).doesNotHaveDuplicates();
    try (Lake read = Lake.open(root)) {
      assertThat(read.snapshotId()).isEqualTo(lake.lastSnapshot());
      assertThat(read.snapshots())
          .extracting(Lake.SnapshotInfo::addedRows)
          .containsExactlyInAnyOrder(100L, 100L, 25L, 25L);
      assertThat(read.rows()).isEqualTo(250).isEqualTo(lake.rows());
      assertThat(read.offsets(CommittedLakes.TOPIC, 0))
          .isEqualTo(OffsetRanges.of(List.of(new OffsetRanges.Range(0, 125))));
      long[] counted = {0};
      read.scanAll(r -> counted[0]++);
      assertThat(counted[0]).isEqualTo(250);
      // Time travel: the first snapshot holds only the first commit's rows.
      assertThat(read.at(lake.snapshots().get(0)).rows()).isEqualTo(100);
    }
    assertThat(lake.from()).isLessThan(lake.to());
  }

  @Test
  void theDefaultIsOneCommitOfOnePartition() {
    CommittedLakes.Lake lake = CommittedLakes.of(SPEC).seed(1).count(50).write(root);

    assertThat(lake.snapshots()).hasSize(1);
    try (Lake read = Lake.open(root)) {
      assertThat(read.rows()).isEqualTo(50);
      assertThat(read.offsets(CommittedLakes.TOPIC, 0).toString()).isEqualTo("[0-50]");
    }
  }

  @Test
  void optionsReturnCopies() {
    CommittedLakes ten = CommittedLakes.of(SPEC).count(10);
    ten.count(20);
    CommittedLakes.Lake lake = ten.write(root);

    assertThat(lake.rows()).isEqualTo(10);
    assertThat(lake.timeOf(2) - lake.timeOf(1)).isEqualTo(lake.generated().eventSpacingMillis());
  }
}
