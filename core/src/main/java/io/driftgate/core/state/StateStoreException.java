package io.driftgate.core.state;

/** The state database or artifact store failed: unreachable, refused, or conflicting for good. */
public class StateStoreException extends RuntimeException {
  public StateStoreException(String message, Throwable cause) {
    super(message, cause);
  }

  public StateStoreException(String message) {
    super(message);
  }
}
