package io.driftgate.core.spec;

/** What the validator does with a record whose label is null ({@code label.onNull}). */
public enum LabelNullPolicy implements ConfigNames.Named {
  /**
   * Keep the record with a null label. The default: labels often arrive later than the features (a
   * flight's delay is known after it lands), and such rows still feed the drift monitor.
   */
  KEEP("keep"),
  /** Reject the record (error kind MISSING_LABEL). */
  REJECT("reject");

  private final String configName;

  LabelNullPolicy(String configName) {
    this.configName = configName;
  }

  /** The name used in driftgate.yaml. */
  @Override
  public String configName() {
    return configName;
  }

  /** Parses a config name (case-insensitive); returns null when unknown. */
  public static LabelNullPolicy fromConfigName(String name) {
    return ConfigNames.parse(LabelNullPolicy.class, name);
  }

  /** The accepted config names, comma separated, for error messages. */
  public static String allowedNames() {
    return ConfigNames.allowed(LabelNullPolicy.class);
  }
}
