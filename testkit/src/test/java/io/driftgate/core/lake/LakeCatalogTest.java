package io.driftgate.core.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.testkit.lake.CommittedLakes;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakeCatalogTest {
  @TempDir Path root;

  @Test
  void twoEmbeddedCatalogsCommitInTurn() throws IOException {
    CommittedLakes.of(Path.of("../examples/flight-delay/driftgate.yaml")).count(10).write(root);
    Catalog a = LakeCatalog.embedded(root).open();
    Catalog b = LakeCatalog.embedded(root).open();
    try {
      Table ta = a.loadTable(LakeTables.records("flight-delay"));
      Table tb = b.loadTable(LakeTables.records("flight-delay"));
      long start = ta.currentSnapshot().snapshotId();
      // Each catalog commits after the other one did: none may read a stale database.
      tb.newFastAppend().set("turn", "b1").commit();
      ta.refresh();
      ta.newFastAppend().set("turn", "a1").commit();
      tb.refresh();
      tb.newFastAppend().set("turn", "b2").commit();
      ta.refresh();
      assertThat(ta.currentSnapshot().summary()).containsEntry("turn", "b2");
      assertThat(ta.snapshot(ta.currentSnapshot().parentId()).summary())
          .containsEntry("turn", "a1");
      assertThat(ta.snapshots()).extracting(s -> s.snapshotId()).contains(start).hasSize(4);
      // A fresh catalog lists the namespace the others created.
      try (Lake lake = Lake.open(root)) {
        assertThat(lake.snapshotId()).isEqualTo(ta.currentSnapshot().snapshotId());
      }
    } finally {
      ((Closeable) a).close();
      ((Closeable) b).close();
    }
  }
}
