package io.driftgate.core.state;

import io.driftgate.core.spec.StateSpec;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The control plane's database: runs, idempotency keys, model versions, aliases, the promotion
 * ledger, monitor state, retrain requests and leases. Embedded default: the lake catalog's SQLite
 * file; production: PostgreSQL. The schema is migrated by Flyway ({@code db/state/<dialect>}) on
 * the first {@link #open} of a URL in a JVM, never by hand; several processes may open one database
 * at once (Flyway locks the migration).
 *
 * <p>No connection pool: the control plane writes a handful of rows per run or promotion, and a
 * connection per unit of work keeps SQLite's file locks short.
 */
public final class StateDatabase {
  /** The SQL dialects the migrations exist for. */
  public enum Dialect {
    SQLITE,
    POSTGRESQL
  }

  /** One unit of work inside a transaction. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private static final Set<String> MIGRATED = ConcurrentHashMap.newKeySet();
  private static final int MAX_ATTEMPTS = 8;

  private final StateSpec spec;
  private final Dialect dialect;
  private final Properties properties;

  private StateDatabase(StateSpec spec) {
    this.spec = spec;
    this.dialect = spec.isSqlite() ? Dialect.SQLITE : Dialect.POSTGRESQL;
    this.properties = new Properties();
    // ${env:NAME} and ${file:PATH} values (credentials from a Secret) are read here, at open
    io.driftgate.core.secrets.ConfigValues.resolveAll(
            "state.database.properties.", spec.properties())
        .forEach(properties::setProperty);
    if (dialect == Dialect.SQLITE) {
      // Ingestion commits the lake catalog in the same file: wait for its lock instead of failing,
      // let readers go on during a write, and take the write lock when a transaction begins (a
      // read that later writes could otherwise fail to upgrade).
      properties.putIfAbsent("journal_mode", "WAL");
      properties.putIfAbsent("busy_timeout", "30000");
      properties.putIfAbsent("transaction_mode", "IMMEDIATE");
      properties.putIfAbsent("foreign_keys", "true");
    }
  }

  /** Opens (and, once per JVM, migrates) the database of a spec's {@code state} section. */
  public static StateDatabase open(StateSpec spec) {
    StateDatabase db = new StateDatabase(spec);
    db.createSqliteFolder();
    if (MIGRATED.add(spec.url())) {
      try {
        db.migrate();
      } catch (RuntimeException e) {
        MIGRATED.remove(spec.url());
        throw e;
      }
    }
    return db;
  }

  /** Opens a database by URL with connection properties (tests, tools). */
  public static StateDatabase open(String url, Map<String, String> properties) {
    return open(new StateSpec(url, properties, null));
  }

  public Dialect dialect() {
    return dialect;
  }

  public StateSpec spec() {
    return spec;
  }

  /** The database without credentials, for messages. */
  public String describe() {
    return spec.describe();
  }

  /** A new connection in auto-commit mode; the caller closes it. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(spec.url(), properties);
  }

  /**
   * Runs {@code work} in one transaction and commits it; retried from the start when the database
   * reports a serialization conflict or a busy lock (so {@code work} must not have effects outside
   * the database).
   *
   * @throws StateStoreException when the work fails for another reason or keeps conflicting
   */
  public <T> T transaction(Work<T> work) {
    SQLException last = null;
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      try (Connection c = connect()) {
        c.setAutoCommit(false);
        if (dialect == Dialect.POSTGRESQL) {
          c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
        }
        try {
          T result = work.run(c);
          c.commit();
          return result;
        } catch (SQLException | RuntimeException e) {
          rollbackQuietly(c);
          throw e;
        }
      } catch (SQLException e) {
        if (!retryable(e)) {
          throw new StateStoreException("state database " + describe() + ": " + e.getMessage(), e);
        }
        last = e;
        sleepBeforeRetry(attempt);
      }
    }
    throw new StateStoreException(
        "state database "
            + describe()
            + ": still conflicting after "
            + MAX_ATTEMPTS
            + " attempts: "
            + last.getMessage(),
        last);
  }

  /** Serialization failures and deadlocks (PostgreSQL), busy or locked files (SQLite). */
  static boolean retryable(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s) {
        String state = s.getSQLState();
        if ("40001".equals(state) || "40P01".equals(state)) {
          return true;
        }
        String msg = String.valueOf(s.getMessage());
        if (msg.contains("SQLITE_BUSY") || msg.contains("SQLITE_LOCKED")) {
          return true;
        }
      }
    }
    return false;
  }

  private static void sleepBeforeRetry(int attempt) {
    try {
      Thread.sleep(Math.min(1000, 10L << attempt) + (long) (Math.random() * 10));
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new StateStoreException("interrupted while retrying a state transaction", ie);
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // The connection is closed next; the transaction dies with it.
    }
  }

  private void createSqliteFolder() {
    if (dialect != Dialect.SQLITE) {
      return;
    }
    String file = spec.url().substring("jdbc:sqlite:".length());
    int q = file.indexOf('?');
    Path p = Path.of(q < 0 ? file : file.substring(0, q)).toAbsolutePath();
    try {
      Files.createDirectories(p.getParent());
    } catch (java.io.IOException e) {
      throw new StateStoreException("cannot create the folder of the state database " + p, e);
    }
  }

  private void migrate() {
    String vendor = dialect == Dialect.SQLITE ? "sqlite" : "postgresql";
    Flyway.configure(StateDatabase.class.getClassLoader())
        .dataSource(new Source())
        .locations("classpath:db/state/" + vendor)
        .table("dg_schema_history")
        // The database may already hold the lake catalog's tables: start the history at 0.
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .load()
        .migrate();
  }

  /** Runs one statement outside a transaction (tests and tools). */
  public void execute(String sql) {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new StateStoreException("state database " + describe() + ": " + e.getMessage(), e);
    }
  }

  /** A DataSource over {@link #connect()} for Flyway. */
  private final class Source implements DataSource {
    @Override
    public Connection getConnection() throws SQLException {
      return connect();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
      return connect();
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }
  }
}
