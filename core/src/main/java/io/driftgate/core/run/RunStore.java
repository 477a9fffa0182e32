package io.driftgate.core.run;

import java.util.List;
import java.util.Optional;

/**
 * Where runs are kept, so that a restarted launcher resumes them. Keyed by idempotency key.
 *
 * <p>Saves are optimistic: a store remembers the version of each run it last read ({@link #get},
 * {@link #list}) or wrote ({@link #create}, {@link #save}), and a save of a run that has changed in
 * the store since then fails with {@link StaleRunException} instead of overwriting the other
 * writer's transition.
 */
public interface RunStore {

  /**
   * Stores a new run unless its key was ever accepted (de-duplication).
   *
   * @return true when stored, false when the key was already known (nothing is written)
   */
  boolean create(RetrainRun run);

  /**
   * Replaces a stored run (the run must exist).
   *
   * @throws StaleRunException when the stored run changed since this store last read or wrote it,
   *     or this store never read it
   */
  void save(RetrainRun run);

  Optional<RetrainRun> get(String key);

  /** Every run, oldest first (ties by key). */
  List<RetrainRun> list();
}
