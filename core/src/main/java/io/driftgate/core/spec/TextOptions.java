package io.driftgate.core.spec;

import io.driftgate.core.text.TextNormalizer;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The rules of a {@code text} feature ({@code features[].text} in driftgate.yaml; the block is
 * optional). The value lives in an Avro {@code string} field, must be valid UTF-8, is normalised
 * and stored in the lake as an Iceberg {@code string} column.
 *
 * @param maxLength longer values (Unicode code points, before normalisation) are dead letters
 *     {@code TOO_LONG}
 * @param normalize {@code nfkc}: the language-agnostic {@link TextNormalizer} (NFKC, case fold,
 *     control characters dropped, white space collapsed) before storing; {@code none}: stored as is
 * @param onEmpty what to do with a value that is empty after normalisation
 */
public record TextOptions(int maxLength, Normalization normalize, EmptyPolicy onEmpty)
    implements Serializable {

  /** The keys of {@code features[].text}. */
  static final List<String> KEYS = List.of("maxLength", "normalize", "onEmpty");

  /** 10,000 characters: a long review or article abstract; a book is a dead letter. */
  public static final int DEFAULT_MAX_LENGTH = 10_000;

  /** The defaults: 10,000 characters, NFKC normalisation, empty values rejected. */
  public static final TextOptions DEFAULTS =
      new TextOptions(DEFAULT_MAX_LENGTH, Normalization.NFKC, EmptyPolicy.REJECT);

  /** {@code features[].text.normalize}. */
  public enum Normalization implements ConfigNames.Named {
    /** NFKC, lower case (root locale), control characters dropped, white space collapsed. */
    NFKC("nfkc"),
    /** Stored as it arrived (emptiness is still judged on the normalised form). */
    NONE("none");

    private final String configName;

    Normalization(String configName) {
      this.configName = configName;
    }

    @Override
    public String configName() {
      return configName;
    }

    public static Normalization fromConfigName(String name) {
      return ConfigNames.parse(Normalization.class, name);
    }

    public static String allowedNames() {
      return ConfigNames.allowed(Normalization.class);
    }

    /** The value as stored. */
    public String apply(String text) {
      return this == NFKC ? TextNormalizer.normalize(text) : text;
    }
  }

  /** {@code features[].text.onEmpty}: a value that is empty once normalised. */
  public enum EmptyPolicy implements ConfigNames.Named {
    /** Dead letter {@code EMPTY_TEXT}. The default. */
    REJECT("reject"),
    /** Stored as the empty string. */
    ALLOW("allow"),
    /** Stored as null; a required feature then is a dead letter {@code EMPTY_TEXT}. */
    NULL("null");

    private final String configName;

    EmptyPolicy(String configName) {
      this.configName = configName;
    }

    @Override
    public String configName() {
      return configName;
    }

    public static EmptyPolicy fromConfigName(String name) {
      return ConfigNames.parse(EmptyPolicy.class, name);
    }

    public static String allowedNames() {
      return ConfigNames.allowed(EmptyPolicy.class);
    }
  }

  public TextOptions {
    Objects.requireNonNull(normalize, "normalize");
    Objects.requireNonNull(onEmpty, "onEmpty");
    if (maxLength < 1) {
      throw new IllegalArgumentException("maxLength must be >= 1: " + maxLength);
    }
  }

  /** Parses {@code p.text} of a text feature (absent: the defaults); null when invalid. */
  static TextOptions parse(SpecReader r, Map<String, Object> feature, String p) {
    String key = p + ".text";
    if (feature.get("text") == null) {
      return DEFAULTS;
    }
    Map<String, Object> m = r.section(feature, p, "text", false, KEYS);
    if (m == null) {
      return null;
    }
    int errors = r.errorCount();
    Long maxLength = r.whole(m, key, "maxLength", (long) DEFAULT_MAX_LENGTH, 1, Integer.MAX_VALUE);
    Normalization normalize =
        r.choice(
            m,
            key,
            "normalize",
            Normalization.NFKC,
            Normalization::fromConfigName,
            Normalization.allowedNames());
    // "onEmpty: null" is read by YAML as a null value, not as the word: accept both.
    EmptyPolicy onEmpty =
        m.containsKey("onEmpty") && m.get("onEmpty") == null
            ? EmptyPolicy.NULL
            : r.choice(
                m,
                key,
                "onEmpty",
                EmptyPolicy.REJECT,
                EmptyPolicy::fromConfigName,
                EmptyPolicy.allowedNames());
    if (r.errorCount() != errors || maxLength == null) {
      return null;
    }
    return new TextOptions(maxLength.intValue(), normalize, onEmpty);
  }
}
