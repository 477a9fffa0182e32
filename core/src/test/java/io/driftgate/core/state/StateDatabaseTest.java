package io.driftgate.core.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftgate.core.lake.LakeCatalog;
import io.driftgate.core.spec.StateSpec;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDatabaseTest {
  @TempDir Path dir;

  @Test
  void sharesTheEmbeddedCatalogFileAndMigratesItOnce() throws Exception {
    LakeCatalog catalog = LakeCatalog.embedded(dir.resolve("lake"));
    Catalog iceberg = catalog.open();
    ((SupportsNamespaces) iceberg).createNamespace(Namespace.of("m"));
    ((java.io.Closeable) iceberg).close();

    StateSpec spec = StateSpec.of(catalog);
    assertThat(spec.url()).isEqualTo(catalog.uri());
    assertThat(spec.artifacts()).isEqualTo(dir.resolve("lake").resolve("artifacts").toString());

    StateDatabase db = StateDatabase.open(spec);
    assertThat(db.dialect()).isEqualTo(StateDatabase.Dialect.SQLITE);
    // The migration history and the leases table sit beside the catalog's own tables.
    try (Connection c = db.connect();
        ResultSet r =
            c.createStatement()
                .executeQuery(
                    "SELECT version FROM dg_schema_history WHERE success = 1 AND version = '1'")) {
      assertThat(r.next()).isTrue();
    }
    int inserted =
        db.transaction(
            c ->
                c.createStatement()
                    .executeUpdate(
                        "INSERT INTO dg_leases(name, holder, acquired_ms, renewed_ms,"
                            + " expires_at_ms) VALUES ('launcher', 'a', 1, 1, 2)"));
    assertThat(inserted).isEqualTo(1);
    // A second open in another JVM would migrate again: Flyway finds nothing to do.
    StateDatabase again = StateDatabase.open(spec.url(), Map.of());
    assertThat(
            again.<String>transaction(
                c -> {
                  try (ResultSet r =
                      c.createStatement().executeQuery("SELECT holder FROM dg_leases")) {
                    r.next();
                    return r.getString(1);
                  }
                }))
        .isEqualTo("a");
    Catalog reopened = catalog.open();
    assertThat(((SupportsNamespaces) reopened).listNamespaces()).contains(Namespace.of("m"));
    ((java.io.Closeable) reopened).close();
  }

  @Test
  void migratesARealPostgresqlAndRefusesAWrongPassword() throws Exception {
    io.driftgate.core.testing.RealPostgres pg = io.driftgate.core.testing.RealPostgres.shared();
    String url = pg.newDatabase();
    StateDatabase db =
        StateDatabase.open(url, Map.of("user", pg.user(), "password", pg.password()));
    assertThat(db.dialect()).isEqualTo(StateDatabase.Dialect.POSTGRESQL);
    // Two writers race for one lease row: the primary key lets exactly one in.
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    java.util.List<java.util.concurrent.Future<Boolean>> tries = new java.util.ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String holder = "h" + i;
      tries.add(
          pool.submit(
              () ->
                  db.<Boolean>transaction(
                      c ->
                          c.createStatement()
                                  .executeUpdate(
                                      "INSERT INTO dg_leases(name, holder, acquired_ms,"
                                          + " renewed_ms, expires_at_ms) VALUES ('launcher', '"
                                          + holder
                                          + "', 1, 1, 2) ON CONFLICT (name) DO NOTHING")
                              == 1)));
    }
    int won = 0;
    for (var t : tries) {
      won += t.get() ? 1 : 0;
    }
    pool.shutdown();
    assertThat(won).isEqualTo(1);
    assertThatThrownBy(
            () ->
                StateDatabase.open(url, Map.of("user", pg.user(), "password", "wrong"))
                    .execute("SELECT 1"))
        .isInstanceOf(StateStoreException.class)
        .hasMessageContaining("password authentication failed");
  }

  @Test
  void aFailedTransactionLeavesNothingAndNamesTheDatabase() {
    StateDatabase db = StateDatabase.open("jdbc:sqlite:" + dir.resolve("state.db"), Map.of());
    assertThatThrownBy(
            () ->
                db.transaction(
                    c -> {
                      c.createStatement()
                          .executeUpdate(
                              "INSERT INTO dg_leases(name, holder, acquired_ms, renewed_ms,"
                                  + " expires_at_ms) VALUES ('x', 'a', 1, 1, 2)");
                      throw new SQLException("boom");
                    }))
        .isInstanceOf(StateStoreException.class)
        .hasMessageContaining("state.db")
        .hasMessageContaining("boom");
    assertThat(
            db.<Integer>transaction(
                c -> {
                  try (ResultSet r =
                      c.createStatement().executeQuery("SELECT count(*) FROM dg_leases")) {
                    r.next();
                    return r.getInt(1);
                  }
                }))
        .isZero();
  }

  @Test
  void specDefaultsFollowTheLakeCatalog() {
    LakeCatalog pg =
        new LakeCatalog(
            LakeCatalog.JDBC,
            "jdbc:postgresql://db:5432/driftgate",
            "gs://bucket/lake",
            Map.of("jdbc.user", "driftgate", "jdbc.password", "pw"));
    StateSpec s = StateSpec.of(pg);
    assertThat(s.url()).isEqualTo("jdbc:postgresql://db:5432/driftgate");
    assertThat(s.properties()).containsEntry("user", "driftgate").containsEntry("password", "pw");
    assertThat(s.artifacts()).isEqualTo("gs://bucket/artifacts");
    assertThat(
            StateSpec.of(new LakeCatalog(LakeCatalog.JDBC, "jdbc:x", "gs://b", Map.of()))
                .artifacts())
        .isEqualTo("gs://b/artifacts");
    assertThatThrownBy(
            () ->
                StateSpec.of(
                    new LakeCatalog(LakeCatalog.REST, "https://c", "gs://b/lake", Map.of())))
        .hasMessageContaining("state.database.url");
  }
}
