package io.driftgate.core.run;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Idempotency keys of retrain requests and runs: checked where they enter (Kafka, HTTP, CLI), and
 * never used as a storage name as they are. A storage name (a folder, an object, a Kubernetes
 * label) is a readable prefix plus a hash of the whole key, so {@code a/b} and {@code a_b} never
 * collide and {@code ..} never walks out of a folder.
 */
public final class IdempotencyKey {
  /** Longest accepted key, in characters. */
  public static final int MAX_LENGTH = 200;

  /** Letters, digits and {@code . _ : @ / + = -}: what the monitor and users write in keys. */
  private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9._:@/+=-]+");

  private IdempotencyKey() {}

  /**
   * The key, checked.
   *
   * @param source where it came from (e.g. "retrain request on topic x", "--key"), for the message
   * @throws InvalidIdempotencyKeyException naming the source, the key and what is allowed
   */
  public static String validate(String key, String source) {
    String problem = problem(key);
    if (problem != null) {
      throw new InvalidIdempotencyKeyException(
          source
              + ": idempotency key "
              + quoted(key)
              + " "
              + problem
              + "; use 1-"
              + MAX_LENGTH
              + " letters, digits and . _ : @ / + = - (not only dots)");
    }
    return key;
  }

  /** Why a key is refused, or null when it is valid. */
  public static String problem(String key) {
    if (key == null || key.isEmpty()) {
      return "is empty";
    }
    if (key.length() > MAX_LENGTH) {
      return "is " + key.length() + " characters long";
    }
    if (!ALLOWED.matcher(key).matches()) {
      return "has characters outside the allowed set";
    }
    if (key.chars().allMatch(c -> c == '.')) {
      return "is only dots";
    }
    return null;
  }

  /**
   * A storage name for a key: up to 40 readable characters ({@code [a-z0-9-]}) and 16 hex digits of
   * its sha256, e.g. {@code drift-flight-delay-2026-12-03-9f2c01a4b7d3e655}.
   */
  public static String storageName(String key) {
    String readable = readable(key, 40);
    String hash = sha256(key).substring(0, 16);
    return readable.isEmpty() ? hash : readable + "-" + hash;
  }

  /**
   * The readable part of a name made from {@code text}: lower case, each run of characters other
   * than {@code [a-z0-9]} one {@code -}, no leading or trailing {@code -}, at most {@code max}
   * characters. The one definition of "safe in a file, object or Kubernetes name".
   */
  public static String readable(String text, int max) {
    String s = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    s = s.replaceAll("^-+|-+$", "");
    if (s.length() > max) {
      s = s.substring(0, Math.max(0, max)).replaceAll("-+$", "");
    }
    return s;
  }

  /**
   * A new idempotency key derived from its parts: the first 32 hex digits of the sha256 of the
   * parts joined with {@code |} (the drift monitor's and {@code driftgate request}'s keys).
   */
  public static String derive(String... parts) {
    return sha256(String.join("|", parts)).substring(0, DERIVED_HEX_CHARS);
  }

  /** Length of a {@link #derive derived} key, in hex digits. */
  public static final int DERIVED_HEX_CHARS = 32;

  private static String quoted(String key) {
    if (key == null) {
      return "(none)";
    }
    String shown = key.length() > 60 ? key.substring(0, 60) + "…" : key;
    return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'";
  }

  /** Lower-case hex sha256 of {@code s} (UTF-8). */
  public static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
