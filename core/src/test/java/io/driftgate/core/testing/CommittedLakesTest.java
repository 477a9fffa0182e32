package io.driftgate.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.driftgate.core.lake.CommitMarker;
import io.driftgate.core.lake.LakeIndex;
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
    assertThat(lake.commits())
        .extracting(CommitMarker::partition, CommitMarker::rows)
        .containsExactlyInAnyOrder(tuple(0, 100L), tuple(1, 100L), tuple(0, 25L), tuple(1, 25L));
    LakeIndex index = LakeIndex.load(root);
    assertThat(index.commits()).hasSize(4);
    assertThat(index.rows()).isEqualTo(250).isEqualTo(lake.rows());
    assertThat(index.offsets(CommittedLakes.TOPIC, 0))
        .isEqualTo(OffsetRanges.of(List.of(new OffsetRanges.Range(0, 125))));
    for (CommitMarker c : lake.commits()) {
      c.files().forEach(f -> assertThat(root.resolve(f.path())).isRegularFile());
    }
    assertThat(lake.from()).isLessThan(lake.to());
  }

  @Test
  void theDefaultIsOneCommitOfOnePartition() {
    CommittedLakes.Lake lake = CommittedLakes.of(SPEC).seed(1).count(50).write(root);

    assertThat(lake.commits())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.commitId()).isEqualTo("0000001000000-p0-00000000");
              assertThat(c.offsets()).singleElement().isEqualTo(new long[] {0, 50});
            });
    assertThat(LakeIndex.load(root).rows()).isEqualTo(50);
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
