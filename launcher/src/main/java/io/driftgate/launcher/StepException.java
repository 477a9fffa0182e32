package io.driftgate.launcher;

/**
 * A step failed; {@link #retryable()} failures (evictions, lost nodes) are retried with backoff.
 */
public class StepException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final boolean retryable;

  public StepException(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  public StepException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  /** A failure that another attempt may not hit. */
  public static StepException transientFailure(String message) {
    return new StepException(message, true);
  }

  public boolean retryable() {
    return retryable;
  }
}
