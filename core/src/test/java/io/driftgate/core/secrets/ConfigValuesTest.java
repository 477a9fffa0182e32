package io.driftgate.core.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftgate.core.lake.LakeCatalog;
import io.driftgate.core.state.StateDatabase;
import io.driftgate.core.testing.RealPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigValuesTest {
  @TempDir Path dir;

  @Test
  void referencesAreReadAndPlainValuesKept() throws Exception {
    Map<String, String> env = Map.of("DB_USER", "driftgate");
    assertThat(ConfigValues.resolve("k", "${env:DB_USER}", env::get)).isEqualTo("driftgate");
    assertThat(ConfigValues.resolve("k", "plain", env::get)).isEqualTo("plain");
    assertThat(ConfigValues.resolve("k", "a${env:DB_USER}", env::get))
        .as("only a whole value is a reference")
        .isEqualTo("a${env:DB_USER}");
    Path secret = Files.writeString(dir.resolve("password"), "s3cr$t\n");
    assertThat(ConfigValues.resolve("k", "${file:" + secret + "}", env::get)).isEqualTo("s3cr$t");
    assertThat(ConfigValues.isReference("${file:/x}")).isTrue();
    assertThat(ConfigValues.isReference("x")).isFalse();
  }

  @Test
  void aMissingVariableOrFileNamesTheKeyAndTheReference() {
    assertThatThrownBy(
            () ->
                ConfigValues.resolve(
                    "state.database.properties.password", "${env:NOPE}", k -> null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("state.database.properties.password: ${env:NOPE}")
        .hasMessageContaining("NOPE, which is not set");
    assertThatThrownBy(
            () ->
                ConfigValues.resolve(
                    "lake.catalog.properties.jdbc.password",
                    "${file:" + dir.resolve("absent") + "}"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("lake.catalog.properties.jdbc.password")
        .hasMessageContaining("cannot be read");
  }

  @Test
  void stateDatabaseAndLakeCatalogLogInWithCredentialsFromMountedFiles() throws Exception {
    RealPostgres pg = RealPostgres.shared();
    String url = pg.newDatabase();
    Path user = Files.writeString(dir.resolve("user"), pg.user() + "\n");
    Path password = Files.writeString(dir.resolve("password"), pg.password() + "\n");
    Map<String, String> props =
        Map.of("user", "${file:" + user + "}", "password", "${file:" + password + "}");
    StateDatabase db = StateDatabase.open(url, props);
    try (Connection c = db.connect();
        ResultSet r = c.createStatement().executeQuery("SELECT current_user")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getString(1)).isEqualTo(pg.user());
    }
    // the spec keeps the reference, never the secret
    assertThat(db.spec().properties()).containsEntry("password", "${file:" + password + "}");

    LakeCatalog catalog =
        new LakeCatalog(
            LakeCatalog.JDBC,
            url,
            dir.resolve("warehouse").toString(),
            Map.of(
                "jdbc.user", "${file:" + user + "}", "jdbc.password", "${file:" + password + "}"));
    assertThat(catalog.catalogProperties())
        .containsEntry("jdbc.password", "${file:" + password + "}");
    try (var opened = (java.io.Closeable) catalog.open()) {
      assertThat(opened).isNotNull();
    }
    // a wrong password behind the reference is refused by the server
    Path wrong = Files.writeString(dir.resolve("wrong"), "not-the-password");
    assertThatThrownBy(
            () ->
                StateDatabase.open(
                        pg.newDatabase(),
                        Map.of("user", pg.user(), "password", "${file:" + wrong + "}"))
                    .connect()
                    .close())
        .hasStackTraceContaining("password");
  }
}
