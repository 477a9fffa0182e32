package io.driftgate.core.state;

/**
 * A write named a version of a row that is no longer the stored one: another process (or another
 * copy in this one) changed it since it was read. Nothing was written; read the row again and
 * decide anew.
 */
public class StaleStateException extends StateStoreException {
  public StaleStateException(String message) {
    super(message);
  }
}
