package io.driftgate.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.sun.security.auth.module.UnixSystem;
import io.driftgate.core.lake.Lake;
import io.driftgate.core.lake.LakeCatalog;
import io.driftgate.core.lake.LakeTables;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
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
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The lake's JDBC catalog on its two databases: the embedded SQLite file (the default) and
 * PostgreSQL (production's {@code lake.catalog.uri: jdbc:postgresql://...}, here a real PostgreSQL
 * server started from a jar, with password authentication). The same write, commit and read-back
 * assertions run on both.
 */
class CatalogBackendsTest {
  /** One PostgreSQL server for the class (started on first use); a new database per test. */
  private static EmbeddedPostgres postgres;

  private static String password;
  private static final AtomicInteger databases = new AtomicInteger();

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
    LakeCatalog wrong =
        new LakeCatalog(config.type(), config.uri(), config.warehouse(), noPassword);

    assertThatThrownBy(() -> close(wrong.open()))
        .hasRootCauseInstanceOf(SQLException.class)
        .hasStackTraceContaining("password");
    assertThat(config.describe()).doesNotContain(password);
  }

  /** The lake catalog of a backend: a new SQLite file, or a new PostgreSQL database. */
  private LakeCatalog catalog(Backend backend) throws Exception {
    return switch (backend) {
      case SQLITE -> LakeCatalog.embedded(dir.resolve("lake"));
      case POSTGRESQL -> {
        EmbeddedPostgres pg = postgres();
        String database = "lake_" + databases.incrementAndGet();
        try (Connection c = admin(pg, "postgres");
            Statement s = c.createStatement()) {
          s.execute("CREATE DATABASE " + database);
        }
        Path warehouse = Files.createDirectories(dir.resolve("warehouse"));
        yield new LakeCatalog(
            LakeCatalog.JDBC,
            "jdbc:postgresql://localhost:" + pg.getPort() + "/" + database,
            warehouse.toString(),
            Map.of("jdbc.user", "postgres", "jdbc.password", password));
      }
    };
  }

  /** {@code namespace.table} of every table the catalog database lists under driftgate's name. */
  private static List<String> catalogTables(Backend backend, LakeCatalog config)
      throws SQLException {
    Properties credentials = new Properties();
    if (backend == Backend.POSTGRESQL) {
      credentials.setProperty("user", "postgres");
      credentials.setProperty("password", password);
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

  /**
   * Starts PostgreSQL once, then turns on password authentication for TCP connections (the embedded
   * server trusts everyone by default), so the catalog's {@code jdbc.password} matters.
   */
  private static synchronized EmbeddedPostgres postgres() throws Exception {
    // PostgreSQL refuses to run as root (initdb: "cannot be run as root"); CI runs as a user.
    assumeThat(new UnixSystem().getUid())
        .as("PostgreSQL does not run as root: run this test as an unprivileged user")
        .isNotZero();
    if (postgres == null) {
      EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
      String secret = UUID.randomUUID().toString();
      try (Connection c = pg.getPostgresDatabase().getConnection();
          Statement s = c.createStatement()) {
        s.execute("ALTER ROLE postgres PASSWORD '" + secret + "'");
        String hba;
        try (ResultSet rs = s.executeQuery("SHOW hba_file")) {
          rs.next();
          hba = rs.getString(1);
        }
        Files.writeString(
            Path.of(hba),
            String.join(
                "\n",
                "local all all trust",
                "host all all 127.0.0.1/32 scram-sha-256",
                "host all all ::1/128 scram-sha-256",
                ""));
        s.execute("SELECT pg_reload_conf()");
      }
      postgres = pg;
      password = secret;
    }
    return postgres;
  }

  private static Connection admin(EmbeddedPostgres pg, String database) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "postgres");
    p.setProperty("password", password);
    return DriverManager.getConnection(
        "jdbc:postgresql://localhost:" + pg.getPort() + "/" + database, p);
  }

  @AfterAll
  static void stopPostgres() throws IOException {
    if (postgres != null) {
      postgres.close();
      postgres = null;
    }
  }

  private static void close(Catalog catalog) throws IOException {
    if (catalog instanceof Closeable c) {
      c.close();
    }
  }
}
