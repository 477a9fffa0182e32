package io.driftgate.core.state;

import java.net.URI;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Where running processes answer ({@code dg_endpoints}): a launcher publishes its HTTP endpoint
 * under {@code launcher/<model>} so that {@code driftgate runs cancel} finds it with nothing but
 * the spec. A publication names its holder; only that holder withdraws it.
 */
public final class Endpoints {

  /**
   * A published endpoint.
   *
   * @param name what answers, e.g. {@code launcher/flight-delay}
   * @param url where
   * @param holder the process that published it
   * @param publishedAt when
   */
  public record Published(String name, URI url, String holder, Instant publishedAt) {}

  private final StateDatabase db;
  private final Clock clock;

  public Endpoints(StateDatabase db) {
    this(db, Clock.systemUTC());
  }

  public Endpoints(StateDatabase db, Clock clock) {
    this.db = Objects.requireNonNull(db, "db");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The name a model's launcher publishes under. */
  public static String launcher(String model) {
    return "launcher/" + model;
  }

  public StateDatabase database() {
    return db;
  }

  /** Publishes (or replaces) {@code name}'s endpoint. */
  public void publish(String name, URI url, String holder) {
    long now = clock.millis();
    db.transaction(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO dg_endpoints (name, url, holder, published_ms) VALUES (?, ?, ?, ?)"
                      + " ON CONFLICT (name) DO UPDATE SET url = excluded.url,"
                      + " holder = excluded.holder, published_ms = excluded.published_ms")) {
            s.setString(1, name);
            s.setString(2, url.toString());
            s.setString(3, holder);
            s.setLong(4, now);
            return s.executeUpdate();
          }
        });
  }

  /** The endpoint published under {@code name}, if any. */
  public Optional<Published> lookup(String name) {
    return db.transaction(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT url, holder, published_ms FROM dg_endpoints WHERE name = ?")) {
            s.setString(1, name);
            try (ResultSet r = s.executeQuery()) {
              return r.next()
                  ? Optional.of(
                      new Published(
                          name,
                          URI.create(r.getString(1)),
                          r.getString(2),
                          Instant.ofEpochMilli(r.getLong(3))))
                  : Optional.<Published>empty();
            }
          }
        });
  }

  /**
   * Removes {@code name}'s endpoint if {@code holder} published it (a successor's stays).
   *
   * @return whether it was removed
   */
  public boolean withdraw(String name, String holder) {
    return db.transaction(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement("DELETE FROM dg_endpoints WHERE name = ? AND holder = ?")) {
            s.setString(1, name);
            s.setString(2, holder);
            return s.executeUpdate() == 1;
          }
        });
  }
}
