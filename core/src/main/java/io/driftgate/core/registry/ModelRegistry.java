package io.driftgate.core.registry;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Stores model directories immutably (content-addressed) and moves named aliases ({@code champion},
 * {@code challenger}, ...) between versions, recording every move in an append-only, hash-chained
 * ledger.
 *
 * <h2>Rollback semantics</h2>
 *
 * For each alias the ledger defines a <em>history stack</em>, replayed in sequence order:
 *
 * <ul>
 *   <li>a {@code MOVE} to version X pushes X, unless X is already the alias's current version (a
 *       no-op move is recorded but does not push);
 *   <li>a {@code ROLLBACK} pops the current version; the alias then points at the new top.
 * </ul>
 *
 * So after moves A, B, C the stack is [A, B, C]: a rollback gives B, a second one A, a third
 * returns empty and writes nothing (an alias is never unset by a rollback). A rolled-back version
 * is gone from the stack and only comes back by an explicit {@link #moveAlias}; after A, B, C,
 * rollback (B), move D, rollback gives B again. A rollback entry's {@code details} hold {@code
 * rolledBack} (the version taken off) and {@code undoesSeq} (the ledger seq that had put it there).
 */
public interface ModelRegistry {

  /** The alias that {@link #rollback(String, String, String)} moves. */
  String CHAMPION = "champion";

  /**
   * Copies {@code modelDir} into the registry. If {@code modelDir} has a {@code manifest.json} the
   * copy is verified against it (a tampered source is refused); if it has none, one is computed for
   * the copy (the source is never modified). Registering content that is already registered returns
   * the existing version unchanged (its first {@code registeredAt} and {@code metadata}).
   *
   * @throws TamperedModelException if the source does not match its manifest, or the already
   *     registered copy of this content was tampered with
   */
  ModelVersion register(String model, Path modelDir, Map<String, String> metadata);

  /** All versions of a model, oldest registration first; empty for an unknown model. */
  List<ModelVersion> versions(String model);

  Optional<ModelVersion> version(String model, String versionId);

  /**
   * The registry's directory of a version, verified against its manifest on every call.
   *
   * @throws java.util.NoSuchElementException for an unknown version
   * @throws TamperedModelException if any file was added, removed or changed since registration
   */
  Path load(String model, String versionId);

  /** The version an alias points at, replayed from the ledger. */
  Optional<ModelVersion> alias(String model, String alias);

  /** Every alias of a model and its version id, replayed from the ledger. */
  Map<String, String> aliases(String model);

  /**
   * Points {@code alias} at {@code versionId} (which must exist and verify) and appends a {@link
   * LedgerEntry.Action#MOVE} entry.
   *
   * @param details gate report summary, data range and offsets, metrics, ... (JSON-compatible)
   */
  LedgerEntry moveAlias(
      String model,
      String alias,
      String versionId,
      String actor,
      String reason,
      Map<String, Object> details);

  /** The whole ledger of a model, verified, in sequence order; empty for an unknown model. */
  List<LedgerEntry> ledger(String model);

  /**
   * Checks the ledger's hash chain, sequence numbers and alias transitions.
   *
   * @throws LedgerCorruptedException naming the first bad line
   */
  void verifyLedger(String model);

  /**
   * Moves {@code champion} back to the previous champion (see the class comment).
   *
   * @return the {@link LedgerEntry.Action#ROLLBACK} entry, or empty (nothing written) when there is
   *     no previous champion
   */
  default Optional<LedgerEntry> rollback(String model, String actor, String reason) {
    return rollback(model, CHAMPION, actor, reason);
  }

  /** {@link #rollback(String, String, String)} for any alias. */
  Optional<LedgerEntry> rollback(String model, String alias, String actor, String reason);
}
