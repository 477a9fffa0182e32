package io.driftgate.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.lake.Lake;
import io.driftgate.core.lake.LakeCatalog;
import io.driftgate.core.lake.LakeOffsets;
import io.driftgate.core.lake.LakeTables;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.testkit.lake.CommittedLakes;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second engine reads driftgate's lake: Spark 3.5 with Iceberg's {@code SparkCatalog}, configured
 * with nothing but the catalog properties of {@link LakeCatalog} under the catalog name {@link
 * LakeCatalog#NAME}, sees the same rows, ids, event-hour partitions, snapshots and Kafka offsets as
 * driftgate's {@link Lake}, now and at an older snapshot (time travel by SQL and by read option).
 */
class SparkReadsLakeIT {
  static final Path SPEC = Path.of("../examples/flight-delay/driftgate.yaml");

  /** 4000 records one second apart: two event hours; two Kafka partitions of two commits each. */
  static final int COUNT = 4000;

  @TempDir static Path dir;

  static CommittedLakes.Lake written;
  static SparkSession spark;

  @BeforeAll
  static void writeTheLakeAndStartSpark() {
    written =
        CommittedLakes.of(SPEC)
            .seed(23)
            .count(COUNT)
            .partitions(2)
            .rowsPerCommit(1000)
            .write(dir.resolve("lake"));
    LakeCatalog catalog = LakeCatalog.embedded(dir.resolve("lake"));
    String prefix = "spark.sql.catalog." + LakeCatalog.NAME;
    SparkSession.Builder builder =
        SparkSession.builder()
            .appName("driftgate-lake-interop")
            .master("local[2]")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.adaptive.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.local.dir", dir.resolve("spark-local").toString())
            .config("spark.sql.warehouse.dir", dir.resolve("spark-warehouse").toString())
            .config(prefix, "org.apache.iceberg.spark.SparkCatalog")
            .config(prefix + ".type", "jdbc");
    catalog.catalogProperties().forEach((k, v) -> builder.config(prefix + "." + k, v));
    spark = builder.getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    if (spark != null) {
      spark.stop();
    }
  }

  /** {@code driftgate.flight_delay.records}: the records table by its name in Spark. */
  private static String records() {
    return LakeCatalog.NAME + "." + LakeTables.records(SpecLoader.load(SPEC).model());
  }

  @Test
  void sparkSeesTheRowsIdsAndPartitionsDriftgateSees() {
    assertThat(written.snapshots()).hasSize(4);
    try (Lake lake = Lake.open(dir.resolve("lake"))) {
      assertThat(lake.rows()).isEqualTo(COUNT);
      assertThat(lake.snapshotId()).isEqualTo(written.lastSnapshot());
      Map<String, Long> hours = RoundTrip.rowsPerHour(lake);
      assertThat(hours).hasSizeGreaterThanOrEqualTo(2);

      assertThat(spark.sql("SELECT count(*) FROM " + records()).first().getLong(0))
          .isEqualTo(lake.rows());
      Read read = read(spark.table(records()));
      assertThat(read.rows()).isEqualTo(lake.rows());
      assertThat(read.ids()).isEqualTo(RoundTrip.ids(lake)).hasSize(COUNT);
      assertThat(read.rowsPerHour()).isEqualTo(hours);
      assertThat(sparkPartitions("")).isEqualTo(hours);
    }
  }

  @Test
  void sparkSeesTheSnapshotsAndTheirKafkaOffsets() {
    try (Lake lake = Lake.open(dir.resolve("lake"))) {
      List<Row> snapshots =
          spark
              .sql(
                  "SELECT snapshot_id, summary['"
                      + LakeOffsets.CUMULATIVE
                      + "'] FROM "
                      + records()
                      + ".snapshots ORDER BY committed_at, snapshot_id")
              .collectAsList();
      assertThat(snapshots)
          .extracting(r -> r.getLong(0))
          .containsExactlyInAnyOrderElementsOf(written.snapshots());
      Map<Long, String> cumulative = new TreeMap<>();
      snapshots.forEach(r -> cumulative.put(r.getLong(0), r.getString(1)));
      // The last commit's cumulative offsets: what the consumer group may commit.
      assertThat(LakeOffsets.decode(cumulative.get(lake.snapshotId()))).isEqualTo(lake.offsets());
      assertThat(lake.offsets(CommittedLakes.TOPIC, 0)).isEqualTo(RoundTrip.range(0, COUNT / 2));
      assertThat(lake.offsets(CommittedLakes.TOPIC, 1)).isEqualTo(RoundTrip.range(0, COUNT / 2));
    }
  }

  @Test
  void sparkTimeTravelsToAnOlderSnapshotAsDriftgateDoes() {
    long first = written.snapshots().get(0);
    try (Lake lake = Lake.open(dir.resolve("lake"))) {
      Lake old = lake.at(first);
      assertThat(old.rows()).isPositive().isLessThan(lake.rows());
      Set<String> ids = RoundTrip.ids(old);
      Map<String, Long> hours = RoundTrip.rowsPerHour(old);

      Read bySql = read(spark.sql("SELECT * FROM " + records() + " VERSION AS OF " + first));
      assertThat(bySql.rows()).isEqualTo(old.rows());
      assertThat(bySql.ids()).isEqualTo(ids);
      assertThat(bySql.rowsPerHour()).isEqualTo(hours);

      Read byOption =
          read(spark.read().format("iceberg").option("snapshot-id", first).load(records()));
      assertThat(byOption).isEqualTo(bySql);
      assertThat(sparkPartitions(" VERSION AS OF " + first)).isEqualTo(hours);
    }
  }

  /** What Spark read: rows, their ids, and rows per UTC event hour (keyed as RoundTrip). */
  record Read(long rows, Set<String> ids, Map<String, Long> rowsPerHour) {}

  /** Reads ids and event hours of {@code rows} in one Spark job. */
  private static Read read(Dataset<Row> rows) {
    Set<String> ids = new HashSet<>();
    Map<String, Long> hours = new TreeMap<>();
    List<Row> all =
        rows.selectExpr(
                "id", "concat(to_date(event_time), 'T', lpad(hour(event_time), 2, '0')) AS hour")
            .collectAsList();
    for (Row r : all) {
      ids.add(r.getString(0));
      hours.merge(r.getString(1), 1L, Long::sum);
    }
    return new Read(all.size(), ids, hours);
  }

  /** Rows per partition from Iceberg's partitions metadata table, as Spark reads it. */
  private static Map<String, Long> sparkPartitions(String asOf) {
    Map<String, Long> out = new TreeMap<>();
    for (Row r :
        spark
            .sql(
                "SELECT partition.event_time_hour, record_count FROM "
                    + records()
                    + ".partitions"
                    + asOf)
            .collectAsList()) {
      long hour = r.getInt(0);
      out.put(LakeWrites.hourOf(hour * 3_600_000L), r.getLong(1));
    }
    return out;
  }
}
