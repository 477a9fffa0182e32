package io.driftgate.core.run;

import io.driftgate.core.spec.StateSpec;
import io.driftgate.core.state.StateDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs in the state database ({@code dg_runs}, one row per run holding its {@link RunJson}), with
 * every accepted idempotency key in {@code dg_processed_keys}.
 *
 * <p>{@link #create} inserts the key and the run in one transaction; the key's primary key makes
 * two launchers (threads or processes) creating the same run end with exactly one row and one
 * {@code true}. Every row has a {@code version}: this store remembers the version it last read or
 * wrote per key, and {@link #save} updates the row only if it still has that version (and bumps
 * it), else fails with {@link StaleRunException}: a launcher that was not the last writer of a run
 * cannot overwrite the other's transition.
 *
 * <p>The remembered versions belong to this store object, not to a {@link RetrainRun} copy: two
 * threads that share a store must not save diverging copies of one run (the launcher changes runs
 * on one thread).
 */
public final class JdbcRunStore implements RunStore {
  private final StateDatabase db;
  private final Map<String, Long> versions = new ConcurrentHashMap<>();

  public JdbcRunStore(StateDatabase db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  /** The run store of a spec's {@code state} database (migrated on first open). */
  public static JdbcRunStore open(StateSpec spec) {
    return new JdbcRunStore(StateDatabase.open(spec));
  }

  public StateDatabase database() {
    return db;
  }

  @Override
  public boolean create(RetrainRun run) {
    String body = RunJson.write(run);
    boolean created =
        db.transaction(
            c -> {
              try (PreparedStatement key =
                  c.prepareStatement(
                      "INSERT INTO dg_processed_keys (idempotency_key, model, processed_ms)"
                          + " VALUES (?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING")) {
                key.setString(1, run.key());
                key.setString(2, run.model());
                key.setLong(3, run.createdAt().toEpochMilli());
                if (key.executeUpdate() == 0) {
                  return false;
                }
              }
              try (PreparedStatement insert =
                  c.prepareStatement(
                      "INSERT INTO dg_runs (run_key, model, state, version, created_ms,"
                          + " updated_ms, body) VALUES (?, ?, ?, 1, ?, ?, ?)")) {
                insert.setString(1, run.key());
                insert.setString(2, run.model());
                insert.setString(3, run.state().name());
                insert.setLong(4, run.createdAt().toEpochMilli());
                insert.setLong(5, run.updatedAt().toEpochMilli());
                insert.setString(6, body);
                insert.executeUpdate();
              }
              return true;
            });
    if (created) {
      versions.put(run.key(), 1L);
    }
    return created;
  }

  @Override
  public void save(RetrainRun run) {
    String key = run.key();
    Long expected = versions.get(key);
    if (expected == null) {
      long stored = db.transaction(c -> storedVersion(c, key));
      if (stored < 0) {
        throw new IllegalStateException("no run " + key + " in " + db.describe() + " to save");
      }
      throw new StaleRunException(
          key,
          "run "
              + key
              + ": not read through this store before the save (get or list it first); nothing"
              + " written");
    }
    String body = RunJson.write(run);
    long[] outcome = // {1 if updated else 0, the stored version}
        db.transaction(
            c -> {
              try (PreparedStatement update =
                  c.prepareStatement(
                      "UPDATE dg_runs SET state = ?, version = version + 1, updated_ms = ?,"
                          + " body = ? WHERE run_key = ? AND version = ?")) {
                update.setString(1, run.state().name());
                update.setLong(2, run.updatedAt().toEpochMilli());
                update.setString(3, body);
                update.setString(4, key);
                update.setLong(5, expected);
                if (update.executeUpdate() == 1) {
                  return new long[] {1, expected + 1};
                }
              }
              return new long[] {0, storedVersion(c, key)};
            });
    if (outcome[0] == 1) {
      versions.put(key, outcome[1]);
      return;
    }
    if (outcome[1] < 0) {
      throw new IllegalStateException("no run " + key + " in " + db.describe() + " to save");
    }
    throw new StaleRunException(
        key,
        "run "
            + key
            + " changed in "
            + db.describe()
            + " since this store read it (version "
            + expected
            + ", now "
            + outcome[1]
            + "): another writer saved it; nothing written");
  }

  /** The stored version of a run, or -1 when there is none. */
  private static long storedVersion(Connection c, String key) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT version FROM dg_runs WHERE run_key = ?")) {
      s.setString(1, key);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? r.getLong(1) : -1;
      }
    }
  }

  @Override
  public Optional<RetrainRun> get(String key) {
    Optional<Row> row =
        db.transaction(
            c -> {
              try (PreparedStatement s =
                  c.prepareStatement("SELECT version, body FROM dg_runs WHERE run_key = ?")) {
                s.setString(1, key);
                try (ResultSet r = s.executeQuery()) {
                  return r.next()
                      ? Optional.of(new Row(r.getLong(1), read(key, r.getString(2))))
                      : Optional.<Row>empty();
                }
              }
            });
    row.ifPresent(r -> versions.put(key, r.version()));
    return row.map(Row::run);
  }

  @Override
  public List<RetrainRun> list() {
    List<Row> rows =
        db.transaction(
            c -> {
              List<Row> out = new ArrayList<>();
              try (PreparedStatement s =
                      c.prepareStatement(
                          "SELECT run_key, version, body FROM dg_runs"
                              + " ORDER BY created_ms, run_key");
                  ResultSet r = s.executeQuery()) {
                while (r.next()) {
                  out.add(new Row(r.getLong(2), read(r.getString(1), r.getString(3))));
                }
              }
              return out;
            });
    List<RetrainRun> out = new ArrayList<>(rows.size());
    for (Row r : rows) {
      versions.put(r.run().key(), r.version());
      out.add(r.run());
    }
    // The column holds milliseconds; the runs' own instants may be finer.
    out.sort(Comparator.comparing(RetrainRun::createdAt).thenComparing(RetrainRun::key));
    return out;
  }

  private RetrainRun read(String key, String body) {
    try {
      return RunJson.read(body);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "run " + key + " in " + db.describe() + " is corrupt: " + e.getMessage(), e);
    }
  }

  private record Row(long version, RetrainRun run) {}
}
