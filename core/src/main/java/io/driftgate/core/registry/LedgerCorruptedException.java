package io.driftgate.core.registry;

import java.nio.file.Path;

/**
 * The promotion ledger fails verification: a line was edited, removed, reordered or torn, the hash
 * chain or sequence is broken, or the recorded alias transitions do not replay.
 */
public class LedgerCorruptedException extends RuntimeException {
  private final Path ledger;
  private final long lineNumber;

  public LedgerCorruptedException(Path ledger, long lineNumber, String reason) {
    this(ledger, lineNumber, reason, null);
  }

  public LedgerCorruptedException(Path ledger, long lineNumber, String reason, Throwable cause) {
    super("ledger " + ledger + " corrupted at line " + lineNumber + ": " + reason, cause);
    this.ledger = ledger;
    this.lineNumber = lineNumber;
  }

  public Path ledger() {
    return ledger;
  }

  /** 1-based line number of the first bad line (0 when the problem is not a single line). */
  public long lineNumber() {
    return lineNumber;
  }
}
