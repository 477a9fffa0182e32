package io.driftgate.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.gax.paging.Page;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import io.driftgate.core.lake.Lake;
import io.driftgate.core.lake.LakeCatalog;
import io.driftgate.core.lake.LakeTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.gcp.gcs.GCSFileIO;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.jdbc.JdbcClientPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lake whose warehouse is on Cloud Storage ({@code gs://}): Iceberg's {@code GCSFileIO} (what
 * {@link LakeCatalog} names for a {@code gs://} warehouse) writes and reads every data, manifest
 * and metadata file, here against google-cloud-nio's in-memory fake of Cloud Storage. The fake has
 * no rename, and needs none: Iceberg commits by swapping the metadata pointer in the catalog.
 */
class GcsWarehouseTest {
  static final String BUCKET = "test-bucket";
  static final String WAREHOUSE = "gs://" + BUCKET + "/lake";

  @TempDir Path dir;

  @Test
  void aGsWarehouseNamesGcsFileIoWhichLoadsFromTheRuntimeClasspath() {
    LakeCatalog config =
        new LakeCatalog(
            LakeCatalog.JDBC, "jdbc:postgresql://catalog.internal/lake", WAREHOUSE, Map.of());
    Map<String, String> props = config.catalogProperties();

    assertThat(props)
        .containsEntry(CatalogProperties.FILE_IO_IMPL, GCSFileIO.class.getName())
        .containsEntry(CatalogProperties.WAREHOUSE_LOCATION, WAREHOUSE);
    // What JdbcCatalog does with io-impl; GCSFileIO makes its Storage client on first use only.
    try (FileIO io =
        CatalogUtil.loadFileIO(props.get(CatalogProperties.FILE_IO_IMPL), props, null)) {
      assertThat(io).isInstanceOf(GCSFileIO.class);
      assertThat(io.properties()).containsEntry(CatalogProperties.WAREHOUSE_LOCATION, WAREHOUSE);
    }
  }

  @Test
  void writesCommitsAndReadsBackALakeOnGs() throws IOException {
    Storage storage = LocalStorageHelper.customOptions(false).getService();
    LakeCatalog config =
        new LakeCatalog(
            LakeCatalog.JDBC, "jdbc:sqlite:" + dir.resolve("catalog.db"), WAREHOUSE, Map.of());
    Map<String, String> props = config.catalogProperties();

    RoundTrip.Written written;
    String metadataLocation;
    String model;
    try (JdbcCatalog catalog = catalog(props, storage)) {
      LakeWrites writes = new LakeWrites(catalog, 17, RoundTrip.SPACING_MILLIS);
      model = writes.model();
      written = RoundTrip.write(writes);
      Table records = catalog.loadTable(LakeTables.records(model));
      assertThat(records.location()).isEqualTo(WAREHOUSE + "/flight_delay/records");
      metadataLocation =
          ((HasTableOperations) records).operations().current().metadataFileLocation();
    }
    assertThat(metadataLocation).startsWith(WAREHOUSE + "/flight_delay/records/metadata/");
    assertThat(written.first().files())
        .allSatisfy(f -> assertThat(f.location()).startsWith("gs://" + BUCKET + "/"));

    // Read back with the table's metadata file only, as a training pod does.
    RoundTrip.assertReadsBack(
        () -> Lake.fromMetadata(metadataLocation, gcsFileIo(storage, props)),
        written,
        WAREHOUSE + "/flight_delay/records/data/");

    // ...and through a new catalog connection.
    try (JdbcCatalog catalog = catalog(props, storage)) {
      Table records = catalog.loadTable(LakeTables.records(model));
      assertThat(records.currentSnapshot().snapshotId()).isEqualTo(written.second().snapshotId());
      assertThat(((HasTableOperations) records).operations().current().metadataFileLocation())
          .isEqualTo(metadataLocation);
    }

    // Everything the lake wrote is in the bucket, under the warehouse; nothing on local disk but
    // the SQLite catalog.
    List<String> objects = objects(storage);
    long committedFiles = written.first().files().size() + written.second().files().size();
    assertThat(objects).allSatisfy(o -> assertThat(o).startsWith("gs://" + BUCKET + "/lake/"));
    assertThat(objects.stream().filter(o -> o.endsWith(".parquet"))).hasSize((int) committedFiles);
    assertThat(objects).contains(metadataLocation);
    assertThat(objects.stream().filter(o -> o.endsWith(".avro"))).isNotEmpty();
    try (Stream<Path> local = Files.walk(dir)) {
      assertThat(local.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
          .isNotEmpty()
          .allSatisfy(name -> assertThat(name).startsWith("catalog.db"));
    }
  }

  /** The catalog LakeCatalog opens for these properties, with GCSFileIO on the fake storage. */
  private static JdbcCatalog catalog(Map<String, String> props, Storage storage) {
    JdbcCatalog catalog =
        new JdbcCatalog(
            p -> gcsFileIo(storage, p),
            p -> new JdbcClientPool(p.get(CatalogProperties.URI), p),
            true);
    catalog.setConf(new org.apache.hadoop.conf.Configuration(false));
    catalog.initialize(LakeCatalog.NAME, props);
    return catalog;
  }

  private static GCSFileIO gcsFileIo(Storage storage, Map<String, String> props) {
    GCSFileIO io = new GCSFileIO(() -> storage);
    io.initialize(props);
    return io;
  }

  private static List<String> objects(Storage storage) {
    Page<Blob> page = storage.list(BUCKET);
    return StreamSupport.stream(page.iterateAll().spliterator(), false)
        .map(b -> "gs://" + b.getBucket() + "/" + b.getName())
        .toList();
  }
}
