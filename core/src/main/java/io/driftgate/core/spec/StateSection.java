package io.driftgate.core.spec;

import io.driftgate.core.lake.LakeCatalog;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Parses {@code state}: the control plane's database and artifact store. */
final class StateSection {
  static final List<String> KEYS = List.of("database", "artifacts");
  static final List<String> DATABASE_KEYS = List.of("url", "properties");

  private StateSection() {}

  /**
   * {@code state}: the control plane's database and artifact store; absent means the lake's (its
   * catalog database, {@code artifacts/} beside its warehouse).
   */
  static StateSpec parse(
      SpecReader r, Map<String, Object> root, LakeCatalog lakeCatalog, Path lakePath) {
    Map<String, Object> m = r.section(root, "", "state", false, KEYS);
    if (m == null) {
      if (lakeCatalog != null && !lakeCatalog.type().equals("jdbc")) {
        r.missing(
            "state.database.url",
            "a REST lake catalog has no database to share: add state: {database: {url:"
                + " jdbc:postgresql://host:5432/driftgate}}");
      }
      return null;
    }
    Map<String, Object> db = r.section(m, "state", "database", false, DATABASE_KEYS);
    String url =
        r.string(db, "state.database", "url", false, "jdbc:postgresql://db:5432/driftgate");
    if (url != null && !url.startsWith("jdbc:sqlite:") && !url.startsWith("jdbc:postgresql:")) {
      r.err(
          "state.database.url",
          url,
          "is not a supported database",
          "use jdbc:postgresql://host:5432/driftgate (production) or jdbc:sqlite:/path/state.db");
      return null;
    }
    Map<String, String> props =
        r.properties(
            db,
            "state.database",
            "write JDBC property: value pairs, e.g. properties: {user: driftgate}");
    String artifacts = r.string(m, "state", "artifacts", false, "gs://my-bucket/artifacts");
    if (artifacts != null && !artifacts.contains("://")) {
      Path a = r.resolve("state.artifacts", artifacts);
      artifacts = a == null ? artifacts : a.toString();
    }
    StateSpec fallback = null;
    if (lakeCatalog != null && lakeCatalog.type().equals("jdbc")) {
      fallback = StateSpec.of(lakeCatalog);
    } else if (lakeCatalog == null && lakePath != null) {
      fallback = StateSpec.of(LakeCatalog.embedded(lakePath));
    }
    if (url == null && fallback == null) {
      r.missing(
          "state.database.url",
          "a REST lake catalog has no database to share: add url: jdbc:postgresql://...");
      return null;
    }
    if (artifacts == null && fallback == null) {
      r.missing(
          "state.artifacts",
          "a REST lake catalog has no warehouse folder here: add artifacts: gs://bucket/prefix");
      return null;
    }
    if (url != null && url.startsWith("jdbc:sqlite:")) {
      Path f = r.resolve("state.database.url", url.substring("jdbc:sqlite:".length()));
      url = f == null ? url : "jdbc:sqlite:" + f;
    }
    return new StateSpec(
        url != null ? url : fallback.url(),
        url != null ? props : fallback.properties(),
        artifacts != null ? artifacts : fallback.artifacts());
  }
}
