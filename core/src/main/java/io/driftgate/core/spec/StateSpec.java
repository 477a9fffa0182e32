package io.driftgate.core.spec;

import io.driftgate.core.lake.LakeCatalog;
import java.io.Serializable;
import java.util.Map;

/**
 * Where the control plane keeps its state ({@code state} in the spec): one database for runs,
 * registry rows, aliases, the promotion ledger, monitor state and retrain requests, and one object
 * store for artifacts (model directories, study outputs, gate reports).
 *
 * <p>Both default to the lake's: the database is the lake catalog's JDBC database (the embedded
 * SQLite file, or the PostgreSQL database of {@code lake.catalog.uri}); artifacts go to {@code
 * artifacts/} beside the lake's warehouse (a local folder or {@code gs://}).
 *
 * @param url JDBC URL: {@code jdbc:sqlite:…} or {@code jdbc:postgresql://…}
 * @param properties JDBC connection properties ({@code user}, {@code password}, ...)
 * @param artifacts artifact store root: a folder or {@code gs://bucket/prefix}
 */
public record StateSpec(String url, Map<String, String> properties, String artifacts)
    implements Serializable {

  /** Folder (or object prefix) of the artifact store beside the lake's warehouse. */
  public static final String ARTIFACTS = "artifacts";

  public StateSpec {
    properties = Map.copyOf(properties == null ? Map.of() : properties);
  }

  /**
   * The default for a lake catalog: its JDBC database (the catalog's {@code jdbc.*} properties
   * become connection properties) and {@code artifacts/} beside its warehouse. A REST catalog has
   * no database to share: the spec must then name {@code state.database.url}.
   */
  public static StateSpec of(LakeCatalog catalog) {
    if (!catalog.type().equals(LakeCatalog.JDBC)) {
      throw new IllegalStateException(
          "state.database.url: not set, and a REST lake catalog has no database to share; set"
              + " state.database.url to a jdbc:postgresql:// URL");
    }
    Map<String, String> props = new java.util.TreeMap<>();
    catalog
        .properties()
        .forEach(
            (k, v) -> {
              if (k.startsWith("jdbc.")) {
                props.put(k.substring("jdbc.".length()), v);
              }
            });
    return new StateSpec(catalog.uri(), props, beside(catalog.warehouse(), ARTIFACTS));
  }

  /**
   * {@code gs://b/lake} → {@code gs://b/artifacts}; {@code /x/lake/warehouse} → {@code
   * /x/lake/artifacts}.
   */
  static String beside(String warehouse, String name) {
    String w = warehouse.endsWith("/") ? warehouse.substring(0, warehouse.length() - 1) : warehouse;
    int slash = w.lastIndexOf('/');
    if (slash < 0 || w.substring(0, slash).endsWith("/")) {
      return w + "/" + name;
    }
    return w.substring(0, slash + 1) + name;
  }

  public boolean isSqlite() {
    return url.startsWith("jdbc:sqlite:");
  }

  /** The URL without credentials, for messages. */
  public String describe() {
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q);
  }
}
