package io.driftgate.core.run;

/** An idempotency key that cannot be accepted (see {@link IdempotencyKey#validate}). */
public class InvalidIdempotencyKeyException extends IllegalArgumentException {
  public InvalidIdempotencyKeyException(String message) {
    super(message);
  }
}
