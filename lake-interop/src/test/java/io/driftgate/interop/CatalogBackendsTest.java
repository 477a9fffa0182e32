package io.driftgate.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftgate.core.lake.Lake;
import io.driftgate.core.lake.LakeCatalog;
import io.driftgate.core.lake.LakeTables;
import io.driftgate.core.testing.RealPostgres;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The lake's JDBC catalog on its two databases: the embedded SQLite file (the default) and
 * PostgreSQL (production's {@code lake.catalog.uri: jdbc:postgresql://...}, here a real PostgreSQL
 * server, {@link RealPostgres}, with password authentication; it runs as root too). The same write,
 * commit and read-back assertions run on both.
 */
class CatalogBackendsTest {
  @TempDir Path dir;

  enum Backend {
    SQLITE,
    POSTGRESQL
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void writesCommitsAndReadsBackTheLake(Backend backend) throws Exception {
    LakeCatalog config = catalog(backend);
    Catalog catalog = config.open();
    RoundTrip.Written written;
    String model;
    try {
      LakeWrites writes = new LakeWrites(catalog, 11, RoundTrip.SPACING_MILLIS);
      model = writes.model();
      assertThat(catalog.tableExists(LakeTables.records(model))).isTrue();
      assertThat(catalog.tableExists(LakeTables.deadLetters(model))).isTrue();
      written = RoundTrip.write(writes);
    } finally {
      close(catalog);
    }

    // A fresh connection (as the trainer opens one) reads both commits back.
    RoundTrip.assertReadsBack(() -> Lake.open(config, model), written, config.warehouse());

    // The catalog rows really are in this database: Iceberg's JDBC catalog tables.
    assertThat(catalogTables(backend, config))
        .containsExactlyInAnyOrder(
            LakeTables.namespace(model) + "." + LakeTables.RECORDS,
            LakeTables.namespace(model) + "." + LakeTables.DEAD_LETTERS);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void ensuringTablesAgainKeepsTheTablesAndTheirCommits(Backend backend) throws Exception {
    LakeCatalog config = catalog(backend);
    Catalog catalog = config.open();
    try {
      LakeWrites first = new LakeWrites(catalog, 5, RoundTrip.SPACING_MILLIS);
      LakeWrites.Commit commit = first.commit(0, 40);
      String uuid = first.records().uuid().toString();

      Catalog again = config.open();
      try {
        LakeWrites second = new LakeWrites(again, 5, RoundTrip.SPACING_MILLIS);
        Table records = second.records();
        assertThat(records.uuid().toString()).isEqualTo(uuid);
        assertThat(records.currentSnapshot().snapshotId()).isEqualTo(commit.snapshotId());
        assertThat(records.schemas()).hasSize(1);
        // Replaying the committed offsets is a no-op: no second snapshot, no duplicate rows.
        assertThat(second.commit(0, 40).snapshotId()).isEqualTo(commit.snapshotId());
      } finally {
        close(again);
      }
    } finally {
      close(catalog);
    }
    try (Lake lake = Lake.open(config, "flight-delay")) {
      assertThat(lake.rows()).isEqualTo(40);
      assertThat(lake.snapshots()).hasSize(1);
    }
  }

  @Test
  void postgresRejectsTheCatalogWithoutItsPassword() throws Exception {
    LakeCatalog config = catalog(Backend.POSTGRESQL);
    Map<String, String> noPassword = config.properties();
    noPassword.remove("jdbc.password");
    LakeCatalog missing =
        new LakeCatalog(config.type(), config.uri(), config.warehouse(), noPassword);
    Map<String, String> wrongPassword = config.properties();
    wrongPassword.put("jdbc.password", "not-" + RealPostgres.shared().password());
    LakeCatalog wrong =
        new LakeCatalog(config.type(), config.uri(), config.warehouse(), wrongPassword);

    assertThatThrownBy(() -> close(missing.open()))
        .hasRootCauseInstanceOf(SQLException.class)
        .hasStackTraceContaining("password");
    assertThatThrownBy(() -> close(wrong.open()))
        .hasRootCauseInstanceOf(SQLException.class)
        .hasStackTraceContaining("password authentication failed");
    assertThat(config.describe()).doesNotContain(RealPostgres.shared().password());
    // The catalog with its password opens.
    close(config.open());
  }

  /** The lake catalog of a backend: a new SQLite file, or a new PostgreSQL database. */
  private LakeCatalog catalog(Backend backend) throws Exception {
    return switch (backend) {
      case SQLITE -> LakeCatalog.embedded(dir.resolve("lake"));
      case POSTGRESQL -> {
        RealPostgres pg = RealPostgres.shared();
        Path warehouse = Files.createDirectories(dir.resolve("warehouse"));
        yield new LakeCatalog(
            LakeCatalog.JDBC,
            pg.newDatabase(),
            warehouse.toString(),
            Map.of("jdbc.user", pg.user(), "jdbc.password", pg.password()));
      }
    };
  }

  /** {@code namespace.table} of every table the catalog database lists under driftgate's name. */
  private static List<String> catalogTables(Backend backend, LakeCatalog config)
      throws SQLException {
    Properties credentials = new Properties();
    if (backend == Backend.POSTGRESQL) {
      credentials.setProperty("user", RealPostgres.shared().user());
      credentials.setProperty("password", RealPostgres.shared().password());
    }
    List<String> tables = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(config.uri(), credentials);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT table_namespace, table_name FROM iceberg_tables WHERE catalog_name = '"
                    + LakeCatalog.NAME
                    + "'")) {
      while (rs.next()) {
        tables.add(rs.getString(1) + "." + rs.getString(2));
      }
    }
    return tables;
  }

  private static void close(Catalog catalog) throws IOException {
    if (catalog instanceof Closeable c) {
      c.close();
    }
  }
}
