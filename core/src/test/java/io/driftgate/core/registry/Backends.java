package io.driftgate.core.registry;

import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import io.driftgate.core.state.ArtifactStore;
import io.driftgate.core.state.StateDatabase;
import io.driftgate.core.testing.MigratedTemplates;
import io.driftgate.core.testing.RealPostgres;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.iceberg.gcp.gcs.GCSFileIO;

/**
 * The state databases and artifact stores the registry tests run on: every registry test runs on
 * each database, and every test that touches artifacts on each store.
 */
final class Backends {
  private Backends() {}

  /** A state database for one test. */
  enum Db {
    /** A fresh SQLite file. */
    SQLITE,
    /** A fresh database on the JVM's real PostgreSQL server ({@link RealPostgres}). */
    POSTGRESQL;

    /**
     * What an administrator can do and the registry never does: lift the triggers that keep the
     * ledger append-only, so that a test can tamper with it.
     */
    void dropLedgerGuards(StateDatabase db) {
      switch (this) {
        case SQLITE -> {
          db.execute("DROP TRIGGER dg_model_ledger_no_update");
          db.execute("DROP TRIGGER dg_model_ledger_no_delete");
        }
        case POSTGRESQL ->
            db.execute("DROP TRIGGER dg_model_ledger_append_only ON dg_model_ledger");
      }
    }

    /**
     * A new database at the current schema, holding no rows (a copy of a migrated template, {@link
     * MigratedTemplates}; the first open validates it).
     */
    StateDatabase create(Path dir) {
      return switch (this) {
        case SQLITE ->
            StateDatabase.open(
                MigratedTemplates.sqliteCopy(dir.resolve("state-" + System.nanoTime() + ".db")),
                Map.of());
        case POSTGRESQL -> {
          RealPostgres pg = RealPostgres.shared();
          yield StateDatabase.open(
              MigratedTemplates.postgresCopy(),
              Map.of("user", pg.user(), "password", pg.password()));
        }
      };
    }
  }

  /** An artifact store for one test. */
  enum Store {
    /** A local folder through HadoopFileIO. */
    FOLDER,
    /** GCSFileIO on google-cloud-nio's in-memory fake of Cloud Storage: no rename, no link. */
    FAKE_GCS;

    /** A new, empty store; a second call on the same {@link Env} sees the same objects. */
    ArtifactStore create(Path dir, Storage storage) {
      return switch (this) {
        case FOLDER -> ArtifactStore.open(dir.resolve("artifacts").toString());
        case FAKE_GCS -> {
          GCSFileIO io = new GCSFileIO(() -> storage);
          io.initialize(Map.of());
          yield new ArtifactStore("gs://test-bucket/artifacts", io);
        }
      };
    }
  }

  /** One database and one store. */
  record Backend(Db db, Store store) {
    @Override
    public String toString() {
      return db + "+" + store;
    }

    Env create(Path dir) {
      return new Env(
          this, dir, db.create(dir), LocalStorageHelper.customOptions(false).getService());
    }
  }

  /** Every database with every store. */
  static Stream<Backend> all() {
    return Arrays.stream(Db.values())
        .flatMap(d -> Arrays.stream(Store.values()).map(s -> new Backend(d, s)));
  }

  /** Every database with the folder store (tests that do not depend on the store). */
  static Stream<Backend> databases() {
    return Arrays.stream(Db.values()).map(d -> new Backend(d, Store.FOLDER));
  }

  /** One test's database and store; {@link #registry} opens new registries on them. */
  record Env(Backend backend, Path dir, StateDatabase db, Storage storage) {
    ArtifactStore store() {
      return backend.store().create(dir, storage);
    }

    JdbcModelRegistry registry(Clock clock) {
      return new JdbcModelRegistry(db, store(), clock, dir.resolve("cache"));
    }

    /** A registry with its own load cache (another machine). */
    JdbcModelRegistry registry(Clock clock, String cache) {
      return new JdbcModelRegistry(db, store(), clock, dir.resolve(cache));
    }

    /** Replaces an object's bytes behind the registry's back. */
    void overwrite(String key, byte[] bytes) throws Exception {
      ArtifactStore s = store();
      try (OutputStream out = s.io().newOutputFile(s.location(key)).createOrOverwrite()) {
        out.write(bytes);
      }
    }

    /** Every object key in the store. */
    List<String> keys() {
      ArtifactStore s = store();
      return Stream.concat(s.list("blobs/").stream(), s.list("manifests/").stream())
          .map(ArtifactStore.StoredObject::key)
          .sorted()
          .toList();
    }
  }
}
