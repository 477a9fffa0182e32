package io.driftgate.core.spec;

import java.io.Serializable;
import java.util.Objects;

/**
 * The record id ({@code id}).
 *
 * @param field name of the id field (string, int or long) in the reader schema
 * @param maxLength the longest id accepted, in characters (Unicode code points); longer ones are
 *     dead letters {@code TOO_LONG}; default {@link #DEFAULT_MAX_LENGTH}
 */
public record IdSpec(String field, int maxLength) implements Serializable {

  /** 256 characters: room for UUIDs, composite keys and URLs-as-ids, not for payloads. */
  public static final int DEFAULT_MAX_LENGTH = 256;

  public IdSpec {
    Objects.requireNonNull(field, "field");
    if (maxLength < 1) {
      throw new IllegalArgumentException("maxLength must be >= 1: " + maxLength);
    }
  }

  /** The field with the default maximum length. */
  public static IdSpec of(String field) {
    return new IdSpec(field, DEFAULT_MAX_LENGTH);
  }
}
