package io.driftgate.core.spec;

/** Kind of a model feature, as declared in driftgate.yaml ({@code features[].kind}). */
public enum FeatureKind implements ConfigNames.Named {
  /** A number; stored in the lake as a nullable double. */
  NUMERIC("numeric"),
  /**
   * A string or enum value from a (possibly open) set of categories; stored as a nullable string.
   */
  CATEGORICAL("categorical"),
  /** Free text in an Avro string field ({@link TextOptions}); stored as a nullable string. */
  TEXT("text"),
  /** Image bytes in an Avro bytes field ({@link ImageOptions}); stored as nullable binary. */
  IMAGE("image");

  private final String configName;

  FeatureKind(String configName) {
    this.configName = configName;
  }

  /** The name used in driftgate.yaml. */
  @Override
  public String configName() {
    return configName;
  }

  /** Parses a config name (case-insensitive); returns null when unknown. */
  public static FeatureKind fromConfigName(String name) {
    return ConfigNames.parse(FeatureKind.class, name);
  }

  /** The accepted config names, comma separated, for error messages. */
  public static String allowedNames() {
    return ConfigNames.allowed(FeatureKind.class);
  }
}
