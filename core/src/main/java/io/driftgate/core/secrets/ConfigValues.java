package io.driftgate.core.secrets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Secrets by reference in connection properties ({@code state.database.properties}, {@code
 * lake.catalog.properties}): a value that is exactly {@code ${env:NAME}} is the environment
 * variable {@code NAME}, and {@code ${file:/path}} the file's content without its trailing line
 * break (e.g. a Kubernetes Secret mounted as files). They are read when a connection is opened, not
 * when the spec is loaded, so that a process that never connects (a training pod) needs neither,
 * and the spec (a ConfigMap) never holds the secret itself.
 */
public final class ConfigValues {
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{(env|file):([^}]+)}");

  private ConfigValues() {}

  /** Whether {@code value} is a reference ({@code ${env:...}} or {@code ${file:...}}). */
  public static boolean isReference(String value) {
    return value != null && REFERENCE.matcher(value.trim()).matches();
  }

  /**
   * The value a reference names, or {@code value} itself.
   *
   * @param key the property's key in the spec, for the message
   * @throws IllegalStateException when the variable is not set or the file cannot be read
   */
  public static String resolve(String key, String value) {
    return resolve(key, value, System::getenv);
  }

  static String resolve(String key, String value, Function<String, String> env) {
    if (value == null) {
      return null;
    }
    Matcher m = REFERENCE.matcher(value.trim());
    if (!m.matches()) {
      return value;
    }
    String name = m.group(2).trim();
    if (m.group(1).equals("env")) {
      String v = env.apply(name);
      if (v == null) {
        throw new IllegalStateException(
            key
                + ": "
                + value
                + " names the environment variable "
                + name
                + ", which is not set in this process (e.g. set it from a Secret with"
                + " env.valueFrom.secretKeyRef)");
      }
      return v;
    }
    Path f = Path.of(name);
    try {
      String v = Files.readString(f, StandardCharsets.UTF_8);
      return v.endsWith("\r\n")
          ? v.substring(0, v.length() - 2)
          : v.endsWith("\n") ? v.substring(0, v.length() - 1) : v;
    } catch (IOException e) {
      throw new IllegalStateException(
          key + ": " + value + " names the file " + f + ", which cannot be read: " + e, e);
    }
  }

  /** Every value of {@code properties} resolved; {@code prefix} + key names each in messages. */
  public static Map<String, String> resolveAll(String prefix, Map<String, String> properties) {
    Map<String, String> out = new LinkedHashMap<>();
    properties.forEach((k, v) -> out.put(k, resolve(prefix + k, v)));
    return out;
  }
}
