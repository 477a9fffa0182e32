package io.driftgate.core.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A named lease in the state database ({@code dg_leases}): at most one holder at a time, for a
 * time-to-live that the holder renews. Another holder takes the lease over only once it has
 * expired. Used for leader election where no Kubernetes Lease is at hand (two local launchers on
 * one database: one runs requests, the other waits).
 *
 * <p>Expiry is judged by the clock of the process that acquires or renews, so the TTL must be far
 * larger than the clock skew between the hosts that share a database (one host for SQLite). Every
 * acquisition, renewal and release is one transaction; the holder must stop leading when {@link
 * #renew()} fails, and should renew well before the TTL runs out (e.g. every third of it).
 */
public final class DatabaseLease {

  /**
   * The lease as stored.
   *
   * @param name lease name
   * @param holder who holds it
   * @param acquiredAt when the holder took it
   * @param renewedAt last renewal
   * @param expiresAt when another may take it over
   * @param transitions how often it changed hands
   */
  public record Holder(
      String name,
      String holder,
      Instant acquiredAt,
      Instant renewedAt,
      Instant expiresAt,
      long transitions) {
    public boolean expired(Instant now) {
      return !now.isBefore(expiresAt);
    }
  }

  private final StateDatabase db;
  private final String name;
  private final String holder;
  private final Duration ttl;
  private final Clock clock;

  /**
   * @param name the lease (e.g. {@code launcher/flight-delay})
   * @param holder this process's identity (e.g. host and pid); unique among contenders
   * @param ttl how long an acquisition or renewal holds
   */
  public DatabaseLease(StateDatabase db, String name, String holder, Duration ttl, Clock clock) {
    this.db = Objects.requireNonNull(db, "db");
    this.name = Objects.requireNonNull(name, "name");
    this.holder = Objects.requireNonNull(holder, "holder");
    this.ttl = Objects.requireNonNull(ttl, "ttl");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("a lease needs a positive ttl, got " + ttl);
    }
  }

  public DatabaseLease(StateDatabase db, String name, String holder, Duration ttl) {
    this(db, name, holder, ttl, Clock.systemUTC());
  }

  public String name() {
    return name;
  }

  public String holder() {
    return holder;
  }

  public Duration ttl() {
    return ttl;
  }

  /**
   * Takes the lease when nobody holds it, or its holder let it expire, or this holder has it (then
   * it is renewed).
   *
   * @return whether this holder holds the lease now
   */
  public boolean tryAcquire() {
    long now = clock.millis();
    long expires = now + ttl.toMillis();
    return db.transaction(
        c -> {
          Optional<Holder> current = read(c);
          if (current.isEmpty()) {
            return updatesOne(
                c,
                "INSERT INTO dg_leases (name, holder, acquired_ms, renewed_ms, expires_at_ms,"
                    + " transitions) VALUES (?, ?, ?, ?, ?, 0) ON CONFLICT (name) DO NOTHING",
                name,
                holder,
                now,
                now,
                expires);
          }
          Holder h = current.get();
          boolean live = h.expiresAt().toEpochMilli() > now;
          if (live && h.holder().equals(holder)) {
            return extend(c, now, expires);
          }
          if (live) {
            return false;
          }
          // Take over an expired (or released) lease, only if it is still the one read.
          return updatesOne(
              c,
              "UPDATE dg_leases SET holder = ?, acquired_ms = ?, renewed_ms = ?,"
                  + " expires_at_ms = ?, transitions = transitions + ?"
                  + " WHERE name = ? AND holder = ? AND expires_at_ms = ?",
              holder,
              now,
              now,
              expires,
              h.holder().equals(holder) ? 0L : 1L,
              name,
              h.holder(),
              h.expiresAt().toEpochMilli());
        });
  }

  /**
   * Extends this holder's lease by the TTL from now.
   *
   * @return false when this holder does not hold it any more (it expired, or another took it, or it
   *     was released): the holder must stop acting as the leader
   */
  public boolean renew() {
    long now = clock.millis();
    return db.transaction(c -> extend(c, now, now + ttl.toMillis()));
  }

  private boolean extend(Connection c, long now, long expires) throws SQLException {
    return updatesOne(
        c,
        "UPDATE dg_leases SET renewed_ms = ?, expires_at_ms = ?"
            + " WHERE name = ? AND holder = ? AND expires_at_ms > ?",
        now,
        expires,
        name,
        holder,
        now);
  }

  /**
   * Gives the lease up: it expires now, so another may take it at once. A no-op unless this holder
   * holds it.
   *
   * @return whether this holder held it
   */
  public boolean release() {
    long now = clock.millis();
    return db.transaction(
        c ->
            updatesOne(
                c,
                "UPDATE dg_leases SET expires_at_ms = ? WHERE name = ? AND holder = ?"
                    + " AND expires_at_ms > ?",
                now,
                name,
                holder,
                now));
  }

  /** Runs an INSERT or UPDATE with {@code params} bound in order; whether it changed one row. */
  private static boolean updatesOne(Connection c, String sql, Object... params)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        s.setObject(i + 1, params[i]);
      }
      return s.executeUpdate() == 1;
    }
  }

  /** The lease as stored (expired, released or not), if anyone ever took it. */
  public Optional<Holder> current() {
    return db.transaction(this::read);
  }

  private Optional<Holder> read(Connection c) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT holder, acquired_ms, renewed_ms, expires_at_ms, transitions FROM dg_leases"
                + " WHERE name = ?")) {
      s.setString(1, name);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new Holder(
                name,
                r.getString(1),
                Instant.ofEpochMilli(r.getLong(2)),
                Instant.ofEpochMilli(r.getLong(3)),
                Instant.ofEpochMilli(r.getLong(4)),
                r.getLong(5)));
      }
    }
  }
}
