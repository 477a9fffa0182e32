package io.driftgate.core.spec;

/**
 * What the validator does with NaN and infinite values of a numeric feature ({@code nonFinite}).
 */
public enum NonFinitePolicy implements ConfigNames.Named {
  /** Reject the record (error kind NON_FINITE). The default. */
  REJECT("reject"),
  /** Replace the value by null; a required feature then fails with NON_FINITE. */
  NULL("null"),
  /** Keep the value as is; the range check is skipped for it. */
  KEEP("keep");

  private final String configName;

  NonFinitePolicy(String configName) {
    this.configName = configName;
  }

  /** The name used in driftgate.yaml. */
  @Override
  public String configName() {
    return configName;
  }

  /** Parses a config name (case-insensitive); returns null when unknown. */
  public static NonFinitePolicy fromConfigName(String name) {
    return ConfigNames.parse(NonFinitePolicy.class, name);
  }

  /** The accepted config names, comma separated, for error messages. */
  public static String allowedNames() {
    return ConfigNames.allowed(NonFinitePolicy.class);
  }
}
