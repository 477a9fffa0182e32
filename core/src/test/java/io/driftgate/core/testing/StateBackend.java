package io.driftgate.core.testing;

import io.driftgate.core.spec.StateSpec;
import io.driftgate.core.state.StateDatabase;
import java.nio.file.Path;
import java.util.Map;

/**
 * The state database backends every store test runs on: a fresh database at the current schema per
 * call (a copy of a template migrated once per JVM, {@link MigratedTemplates}).
 *
 * <p>Use as {@code @ParameterizedTest @EnumSource(StateBackend.class)}: every case runs on the
 * embedded SQLite file and on a real PostgreSQL.
 */
public enum StateBackend {
  /** The embedded default: a SQLite file (here a fresh one under the test's folder). */
  SQLITE {
    @Override
    public StateSpec spec(Path dir) {
      return new StateSpec(
          MigratedTemplates.sqliteCopy(dir.toAbsolutePath().resolve("state-" + next() + ".db")),
          Map.of(),
          dir.toAbsolutePath().resolve("artifacts").toString());
    }
  },

  /** Production's: a fresh database on the JVM's real PostgreSQL server ({@link RealPostgres}). */
  POSTGRESQL {
    @Override
    public StateSpec spec(Path dir) {
      RealPostgres pg = RealPostgres.shared();
      return new StateSpec(
          MigratedTemplates.postgresCopy(),
          Map.of("user", pg.user(), "password", pg.password()),
          dir.toAbsolutePath().resolve("artifacts").toString());
    }
  };

  private static int counter;

  private static synchronized int next() {
    return ++counter;
  }

  /**
   * A new database of this backend at the current schema, holding no rows of its own; {@code dir}
   * holds any files it needs.
   */
  public abstract StateSpec spec(Path dir);

  /** {@link #spec} opened (Flyway finds it migrated). */
  public StateDatabase open(Path dir) {
    return StateDatabase.open(spec(dir));
  }
}
