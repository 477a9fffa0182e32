package io.driftgate.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The fixture itself: a real server, databases that do not see each other, real passwords. */
class RealPostgresTest {
  private final RealPostgres pg = RealPostgres.shared();

  @Test
  void databasesAreNewAndIsolated() throws SQLException {
    String first = pg.newDatabase();
    String second = pg.newDatabase();
    assertThat(first).startsWith("jdbc:postgresql://localhost:").isNotEqualTo(second);

    try (Connection a = pg.connect(first);
        Statement s = a.createStatement()) {
      s.execute("CREATE TABLE items (id int PRIMARY KEY, name text)");
      s.execute("INSERT INTO items VALUES (1, 'first')");
    }
    try (Connection b = pg.connect(second);
        Statement s = b.createStatement()) {
      // Same name, other database: no clash, and none of the first one's rows.
      s.execute("CREATE TABLE items (id int PRIMARY KEY, name text)");
      s.execute("INSERT INTO items VALUES (2, 'second')");
      s.execute("CREATE TABLE only_here (id int)");
    }

    assertThat(rows(first, "SELECT id || ':' || name FROM items")).containsExactly("1:first");
    assertThat(rows(second, "SELECT id || ':' || name FROM items")).containsExactly("2:second");
    assertThat(rows(first, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
        .containsExactly("items");
    assertThat(rows(first, "SELECT current_database()"))
        .containsExactly(first.substring(first.lastIndexOf('/') + 1));
  }

  @Test
  void isARealPostgresqlServer() throws SQLException {
    assertThat(rows(pg.newDatabase(), "SHOW server_version_num"))
        .singleElement()
        .satisfies(v -> assertThat(Integer.parseInt(v)).isGreaterThanOrEqualTo(170000));
    assertThat(rows(pg.newDatabase(), "SELECT current_setting('password_encryption')"))
        .containsExactly("scram-sha-256");
  }

  @Test
  void refusesAWrongOrMissingPassword() throws SQLException {
    String url = pg.newDatabase();

    Properties wrong = new Properties();
    wrong.setProperty("user", pg.user());
    wrong.setProperty("password", pg.password() + "-wrong");
    assertThatThrownBy(() -> DriverManager.getConnection(url, wrong).close())
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("password authentication failed");

    Properties missing = new Properties();
    missing.setProperty("user", pg.user());
    assertThatThrownBy(() -> DriverManager.getConnection(url, missing).close())
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("password");

    // The right one still works.
    assertThat(rows(url, "SELECT current_user")).containsExactly(pg.user());
  }

  @Test
  void isOneServerPerJvm() {
    assertThat(RealPostgres.shared()).isSameAs(pg);
  }

  private List<String> rows(String url, String query) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = pg.connect(url);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
    }
    return rows;
  }
}
