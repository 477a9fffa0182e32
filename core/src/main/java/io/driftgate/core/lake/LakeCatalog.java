package io.driftgate.core.lake;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.rest.RESTCatalog;

/**
 * Where the lake's Iceberg catalog and warehouse are ({@code lake.catalog} in the spec). The
 * embedded default is a {@code JdbcCatalog} on a SQLite file beside a local warehouse folder, both
 * under {@code lake.path} and created on first use; production points the same {@code JdbcCatalog}
 * at PostgreSQL, or uses any Iceberg REST catalog, with a {@code gs://} warehouse.
 *
 * @param type {@code jdbc} or {@code rest}
 * @param uri JDBC URL ({@code jdbc:sqlite:…}, {@code jdbc:postgresql://…}) or REST endpoint
 * @param warehouse warehouse location: a local folder or {@code gs://bucket/prefix}
 * @param properties extra catalog properties (e.g. {@code jdbc.user}, {@code io-impl}, REST auth)
 */
public record LakeCatalog(String type, String uri, String warehouse, Map<String, String> properties)
    implements Serializable {

  public static final String JDBC = "jdbc";
  public static final String REST = "rest";

  /** The catalog name readers see; Spark/Trino configurations use it as the catalog's name. */
  public static final String NAME = "driftgate";

  /** File name of the embedded SQLite catalog under {@code lake.path}. */
  public static final String EMBEDDED_DB = "catalog.db";

  /** Folder of the embedded warehouse under {@code lake.path}. */
  public static final String EMBEDDED_WAREHOUSE = "warehouse";

  private static final String GCS_FILE_IO = "org.apache.iceberg.gcp.gcs.GCSFileIO";

  public LakeCatalog {
    type = type == null ? JDBC : type.toLowerCase(Locale.ROOT);
    if (!type.equals(JDBC) && !type.equals(REST)) {
      throw new IllegalArgumentException(
          "lake.catalog.type: '" + type + "' is not a catalog type; use jdbc or rest");
    }
    properties = Map.copyOf(properties == null ? Map.of() : properties);
  }

  /** The embedded default for a lake folder: SQLite catalog + local warehouse inside it. */
  public static LakeCatalog embedded(Path lakeRoot) {
    Path root = lakeRoot.toAbsolutePath().normalize();
    return new LakeCatalog(
        JDBC,
        "jdbc:sqlite:" + root.resolve(EMBEDDED_DB),
        root.resolve(EMBEDDED_WAREHOUSE).toString(),
        Map.of());
  }

  public boolean isEmbeddedSqlite() {
    return type.equals(JDBC) && uri.startsWith("jdbc:sqlite:");
  }

  /** Iceberg catalog properties for this configuration. */
  public Map<String, String> catalogProperties() {
    Map<String, String> p = new TreeMap<>();
    p.put(CatalogProperties.URI, uri);
    if (warehouse != null) {
      p.put(CatalogProperties.WAREHOUSE_LOCATION, warehouse);
    }
    if (warehouse != null && warehouse.startsWith("gs://")) {
      p.put(CatalogProperties.FILE_IO_IMPL, GCS_FILE_IO);
    }
    if (isEmbeddedSqlite()) {
      // SQLite holds no V2 (view) columns. Several processes share the file (ingest commits while
      // the trainer reads): WAL lets readers go on during a commit, and a writer waits for the
      // lock instead of failing at once.
      p.put("jdbc.schema-version", "V1");
      p.put("jdbc.journal_mode", "WAL");
      p.put("jdbc.busy_timeout", "30000");
    }
    p.putAll(properties);
    return p;
  }

  /**
   * {@link #catalogProperties()} with {@code ${env:NAME}} and {@code ${file:PATH}} values read
   * (credentials from a Secret): only a process that opens the catalog needs them.
   */
  Map<String, String> connectionProperties() {
    return io.driftgate.core.secrets.ConfigValues.resolveAll(
        "lake.catalog.properties.", catalogProperties());
  }

  /** Opens the catalog (creating the embedded SQLite file and warehouse when needed). */
  public Catalog open() {
    if (isEmbeddedSqlite()) {
      try {
        Path db = Path.of(uri.substring("jdbc:sqlite:".length()));
        Files.createDirectories(db.toAbsolutePath().getParent());
        if (warehouse != null && !warehouse.contains("://")) {
          Files.createDirectories(Path.of(warehouse));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the embedded lake catalog at " + uri, e);
      }
    }
    Catalog catalog;
    if (type.equals(REST)) {
      RESTCatalog rest = new RESTCatalog();
      rest.initialize(NAME, connectionProperties());
      catalog = rest;
    } else {
      catalog = openJdbc(true);
    }
    return catalog;
  }

  private JdbcCatalog openJdbc(boolean retry) {
    // SQLite: connections whose catalog-metadata result sets are closed (see SqliteClientPool).
    JdbcCatalog jdbc =
        uri.startsWith("jdbc:sqlite:")
            ? new JdbcCatalog(null, props -> new SqliteClientPool(uri, props), true)
            : new JdbcCatalog();
    jdbc.setConf(
        warehouse != null && !warehouse.contains("://")
            ? LocalLakeFileSystem.configuration()
            : new org.apache.hadoop.conf.Configuration(false));
    try {
      // The first open creates the catalog's tables and migrates them (an ALTER TABLE): two
      // opens at once in one JVM wait for each other ...
      synchronized (INIT_LOCKS.computeIfAbsent(uri, k -> new Object())) {
        jdbc.initialize(NAME, connectionProperties());
      }
    } catch (org.apache.iceberg.jdbc.UncheckedSQLException e) {
      // ... and one that lost the race to another process finds the tables made: open again.
      if (!retry) {
        throw e;
      }
      jdbc.close();
      return openJdbc(false);
    }
    return jdbc;
  }

  private static final java.util.concurrent.ConcurrentHashMap<String, Object> INIT_LOCKS =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** The catalog's JDBC URL or REST endpoint, without credentials, for messages and docs. */
  public String describe() {
    return type + " " + uri.replaceAll("//[^/@]*@", "//") + " (warehouse " + warehouse + ")";
  }

  @Override
  public Map<String, String> properties() {
    return new TreeMap<>(properties);
  }
}
