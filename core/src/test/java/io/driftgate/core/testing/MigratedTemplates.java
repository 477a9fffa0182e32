package io.driftgate.core.testing;

import io.driftgate.core.state.StateDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * State databases for tests that start at the current schema without each migrating through Flyway:
 * the migrations run once per JVM and backend, on a template, and every test gets a copy (a copied
 * SQLite file; {@code CREATE DATABASE ... TEMPLATE} on {@link RealPostgres}). The copy holds
 * exactly what a fresh migration would (the tables, triggers and {@code dg_schema_history} rows);
 * its first {@link StateDatabase#open} still runs Flyway, which validates it and finds nothing to
 * apply. CI time: a migration costs a few hundred milliseconds per database, a copy a few tens.
 */
public final class MigratedTemplates {
  private static Path sqliteTemplate;
  private static String postgresTemplate;

  private MigratedTemplates() {}

  /**
   * Copies the migrated SQLite template to {@code file} (which must not exist yet) and returns its
   * JDBC URL.
   */
  public static String sqliteCopy(Path file) {
    Path template = sqliteTemplate();
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.copy(template, file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy the migrated SQLite template to " + file, e);
    }
    return "jdbc:sqlite:" + file;
  }

  /** A new database on the JVM's PostgreSQL server, created from the migrated template. */
  public static synchronized String postgresCopy() {
    RealPostgres pg = RealPostgres.shared();
    try {
      return pg.newDatabase(postgresTemplate(pg));
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create a PostgreSQL database from the template", e);
    }
  }

  private static synchronized Path sqliteTemplate() {
    if (sqliteTemplate == null) {
      try {
        Path dir = Files.createTempDirectory("driftgate-state-template-");
        Runtime.getRuntime()
            .addShutdownHook(new Thread(() -> deleteTree(dir), "MigratedTemplates-delete"));
        Path file = dir.resolve("template.db");
        StateDatabase db = StateDatabase.open("jdbc:sqlite:" + file, Map.of());
        // Everything in the main file, so that copying it alone copies the database (no
        // connection stays open: the last one to close has checkpointed, this makes sure).
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        sqliteTemplate = file;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the SQLite template", e);
      }
    }
    return sqliteTemplate;
  }

  private static synchronized String postgresTemplate(RealPostgres pg) throws SQLException {
    if (postgresTemplate == null) {
      String url = pg.newDatabase();
      // Migrated through the same path as every other database; its connections close after.
      StateDatabase.open(url, Map.of("user", pg.user(), "password", pg.password()));
      postgresTemplate = url.substring(url.lastIndexOf('/') + 1);
    }
    return postgresTemplate;
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> tree = Files.walk(dir)) {
      tree.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  // Left behind under java.io.tmpdir.
                }
              });
    } catch (IOException | UncheckedIOException e) {
      // Left behind under java.io.tmpdir.
    }
  }
}
