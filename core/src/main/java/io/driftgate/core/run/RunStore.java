package io.driftgate.core.run;

import java.util.List;
import java.util.Optional;

/** Where runs are kept, so that a restarted launcher resumes them. Keyed by idempotency key. */
public interface RunStore {

  /**
   * Stores a new run unless a run with its key exists (de-duplication).
   *
   * @return true when stored, false when the key was already known (nothing is written)
   */
  boolean create(RetrainRun run);

  /** Replaces a stored run (the run must exist). */
  void save(RetrainRun run);

  Optional<RetrainRun> get(String key);

  /** Every run, oldest first (ties by key). */
  List<RetrainRun> list();
}
