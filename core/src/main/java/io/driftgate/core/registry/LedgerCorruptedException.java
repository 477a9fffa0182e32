package io.driftgate.core.registry;

/**
 * The promotion ledger fails verification: an entry was edited, removed, reordered, forged or torn,
 * the hash chain or sequence is broken, the recorded alias transitions do not replay, or the stored
 * aliases disagree with the replay.
 */
public class LedgerCorruptedException extends RuntimeException {
  private final String ledger;
  private final long lineNumber;

  /**
   * @param ledger where the ledger is (a table and model, or a file), for messages
   * @param lineNumber 1-based position of the first bad entry, 0 when no single entry is to blame
   */
  public LedgerCorruptedException(String ledger, long lineNumber, String reason) {
    this(ledger, lineNumber, reason, null);
  }

  public LedgerCorruptedException(String ledger, long lineNumber, String reason, Throwable cause) {
    super(
        "ledger "
            + ledger
            + " corrupted"
            + (lineNumber > 0 ? " at entry " + lineNumber : "")
            + ": "
            + reason,
        cause);
    this.ledger = ledger;
    this.lineNumber = lineNumber;
  }

  /** Where the ledger is, for messages. */
  public String ledger() {
    return ledger;
  }

  /** 1-based position of the first bad entry (0 when the problem is not a single entry). */
  public long lineNumber() {
    return lineNumber;
  }
}
