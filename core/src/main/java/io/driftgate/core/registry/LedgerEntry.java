package io.driftgate.core.registry;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of the append-only promotion ledger: one alias move.
 *
 * @param seq 1-based, gap-free, strictly increasing per model
 * @param time when the move was recorded (the registry's clock)
 * @param model model name
 * @param alias the alias moved, e.g. {@code champion}
 * @param action {@link Action#MOVE} for {@link ModelRegistry#moveAlias}, {@link Action#ROLLBACK}
 *     for {@link ModelRegistry#rollback}
 * @param fromVersion the alias's version before the move; null if the alias was unset
 * @param toVersion the alias's version after the move
 * @param actor who moved it (user, service, pipeline run)
 * @param reason why
 * @param details free-form JSON-compatible details (gate report summary, data range, offsets,
 *     metrics); after a round trip through the ledger numbers, lists and maps come back as
 *     Jackson's default Java types
 * @param prevHash sha256 (hex) of the previous ledger line's exact bytes (without the newline); 64
 *     zeros for the first entry
 * @param hash sha256 (hex) of this line's JSON without the trailing {@code "hash"} member
 */
public record LedgerEntry(
    long seq,
    Instant time,
    String model,
    String alias,
    Action action,
    String fromVersion,
    String toVersion,
    String actor,
    String reason,
    Map<String, Object> details,
    String prevHash,
    String hash) {

  /** Kind of alias move. */
  public enum Action {
    MOVE,
    ROLLBACK
  }

  /** prevHash of the first entry. */
  public static final String GENESIS = "0".repeat(64);

  public LedgerEntry {
    details =
        Collections.unmodifiableMap(new LinkedHashMap<>(details == null ? Map.of() : details));
  }
}
