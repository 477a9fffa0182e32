package io.driftgate.core.spec;

import io.driftgate.core.lake.LakeCatalog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Parses {@code lake} and {@code lake.catalog}: where the validated records are committed. */
final class LakeSection {
  static final List<String> KEYS = List.of("path", "commitInterval", "commitMaxRecords", "catalog");
  static final List<String> CATALOG_KEYS = List.of("type", "uri", "warehouse", "properties");

  /** The section as read; {@link #spec} is null when {@code lake.path} is missing. */
  record Read(Path path, LakeCatalog catalog, LakeSpec spec) {}

  private LakeSection() {}

  static Read parse(SpecReader r, Map<String, Object> root) {
    Map<String, Object> m = r.section(root, "", "lake", true, KEYS);
    Path path = r.path(m, "lake", "path", true, "../lake/my-model");
    Duration interval =
        r.duration(m, "lake", "commitInterval", LakeSpec.DEFAULT_COMMIT_INTERVAL, false);
    int commitMax =
        r.wholeInt(
            m,
            "lake",
            "commitMaxRecords",
            LakeSpec.DEFAULT_COMMIT_MAX_RECORDS,
            1,
            Integer.MAX_VALUE);
    LakeCatalog catalog = catalog(r, m);
    return new Read(
        path, catalog, path == null ? null : new LakeSpec(path, interval, commitMax, catalog));
  }

  /**
   * {@code lake.catalog}: an Iceberg JDBC (SQLite, PostgreSQL) or REST catalog; absent means the
   * embedded SQLite catalog under {@code lake.path}.
   */
  private static LakeCatalog catalog(SpecReader r, Map<String, Object> lakeMap) {
    Map<String, Object> m = r.section(lakeMap, "lake", "catalog", false, CATALOG_KEYS);
    if (m == null) {
      return null;
    }
    String type = r.string(m, "lake.catalog", "type", false, "jdbc");
    if (type != null && !type.equals("jdbc") && !type.equals("rest")) {
      r.err(
          "lake.catalog.type",
          type,
          "is not a catalog type",
          "use jdbc (SQLite or PostgreSQL through JDBC) or rest (any Iceberg REST catalog)");
      return null;
    }
    String uri = r.string(m, "lake.catalog", "uri", true, "jdbc:postgresql://db:5432/driftgate");
    String warehouse = r.string(m, "lake.catalog", "warehouse", false, "gs://my-bucket/lake");
    if (uri != null && "rest".equals(type) && !uri.matches("https?://.+")) {
      r.err("lake.catalog.uri", uri, "is not an http(s) URL", "give the REST catalog's endpoint");
      return null;
    }
    if (uri != null && !"rest".equals(type) && !uri.startsWith("jdbc:")) {
      r.err(
          "lake.catalog.uri",
          uri,
          "is not a JDBC URL",
          "use e.g. jdbc:postgresql://host:5432/driftgate or jdbc:sqlite:/path/catalog.db");
      return null;
    }
    if (uri != null && !"rest".equals(type) && warehouse == null) {
      r.missing(
          "lake.catalog.warehouse",
          "a JDBC catalog needs a warehouse: add warehouse: gs://my-bucket/lake or a folder");
      return null;
    }
    Map<String, String> props =
        r.properties(
            m,
            "lake.catalog",
            "write Iceberg catalog property: value pairs, e.g. properties: {jdbc.user: driftgate}");
    if (uri == null) {
      return null;
    }
    if (warehouse != null && !warehouse.contains("://")) {
      Path w = r.resolve("lake.catalog.warehouse", warehouse);
      warehouse = w == null ? warehouse : w.toString();
    }
    return new LakeCatalog(type, uri, warehouse, props);
  }
}
