package io.driftgate.launcher;

import io.driftgate.core.run.RetrainRun;
import java.util.Map;
import java.util.Optional;

/**
 * What the launcher reads from and writes to the artifact store around its Kubernetes steps, and
 * the one place where a gate pod's decision reaches the state database. Job pods have no database
 * credentials: they leave their results as objects in the store ({@link JobRenderer} names them),
 * and the launcher, the only writer of the database, turns a gate decision into a registered
 * version and alias moves.
 */
public interface StepArtifacts {

  /** The best trial of a finished study: its searched parameters and index. */
  record BestTrial(Map<String, String> params, Integer index) {
    public BestTrial {
      params = params == null ? Map.of() : Map.copyOf(params);
    }
  }

  /**
   * Reads the best finished trial of the study at {@code studyKey}, for the run's record (what
   * won); empty when the study cannot be read (the BEST Job still finds it).
   */
  Optional<BestTrial> bestTrial(String runKey, String studyKey);

  /**
   * Before a BEST attempt is submitted: writes the champion its gate compares the challenger with
   * to {@code championKey} (the registry's {@code champion}, or none), unless an earlier submit of
   * the same attempt wrote it (then that one stands, as the Job it made may be running). Beside it,
   * the run's drift evidence for the gate report's link ({@code DriftEvidence}; best effort).
   *
   * @throws StepException when the champion cannot be read or written
   */
  void prepareGate(RetrainRun run, int attempt, String championKey);

  /**
   * Applies the decision a gate pod wrote to {@code decisionKey}: registers the challenger from the
   * artifact store, points {@code challenger} at it and, on a promotion, moves {@code champion}
   * (appending the ledger), unless the champion moved since the gate compared with it. Idempotent:
   * a decision applied before (a restarted launcher sees the pod again) changes nothing more.
   *
   * @param reported the verdict the pod reported in its termination message
   * @return the verdict the run records
   * @throws StepException when the decision cannot be read or applied
   */
  GateStep.Verdict applyGate(
      String runKey, int attempt, String decisionKey, GateStep.Verdict reported);

  /**
   * No artifact store: reads nothing and takes a gate pod's reported verdict as it is. For tests of
   * the backends' event handling only; a launcher always has its store.
   */
  static StepArtifacts reportedOnly() {
    return new StepArtifacts() {
      @Override
      public Optional<BestTrial> bestTrial(String runKey, String studyKey) {
        return Optional.empty();
      }

      @Override
      public void prepareGate(RetrainRun run, int attempt, String championKey) {}

      @Override
      public GateStep.Verdict applyGate(
          String runKey, int attempt, String decisionKey, GateStep.Verdict reported) {
        return reported;
      }
    };
  }
}
