package io.driftgate.core.wire;

import io.driftgate.schemas.ErrorKind;
import java.util.Objects;

/**
 * A record value that could not be decoded. {@link #kind()} is one of {@link
 * ErrorKind#CORRUPT_BYTES}, {@link ErrorKind#TRUNCATED}, {@link ErrorKind#BAD_HEADER} or {@link
 * ErrorKind#UNKNOWN_SCHEMA}.
 */
public class DecodeException extends Exception {
  private static final long serialVersionUID = 1L;

  private final ErrorKind kind;

  public DecodeException(ErrorKind kind, String message) {
    super(message);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  public DecodeException(ErrorKind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  /** Why decoding failed. */
  public ErrorKind kind() {
    return kind;
  }
}
