package io.driftgate.core.spec;

/** Kind of the label, i.e. of the learning task ({@code label.kind}). */
public enum LabelKind implements ConfigNames.Named {
  /** Two classes, 0 and 1; stored as a nullable int. */
  BINARY("binary"),
  /** Several classes 0..k-1; stored as a nullable int. */
  MULTICLASS("multiclass"),
  /** A real-valued target; stored as a nullable double. */
  REGRESSION("regression");

  private final String configName;

  LabelKind(String configName) {
    this.configName = configName;
  }

  /** The name used in driftgate.yaml. */
  @Override
  public String configName() {
    return configName;
  }

  /** Parses a config name (case-insensitive); returns null when unknown. */
  public static LabelKind fromConfigName(String name) {
    return ConfigNames.parse(LabelKind.class, name);
  }

  /** The accepted config names, comma separated, for error messages. */
  public static String allowedNames() {
    return ConfigNames.allowed(LabelKind.class);
  }
}
