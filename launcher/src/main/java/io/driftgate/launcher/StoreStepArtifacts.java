package io.driftgate.launcher;

import io.driftgate.core.monitor.JdbcMonitorStore;
import io.driftgate.core.monitor.MonitorStore;
import io.driftgate.core.registry.GateDecision;
import io.driftgate.core.registry.JdbcModelRegistry;
import io.driftgate.core.registry.TamperedModelException;
import io.driftgate.core.report.DriftEvidence;
import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.state.ArtifactStore;
import io.driftgate.core.tune.StudyObjects;
import io.driftgate.core.tune.TrialResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link StepArtifacts} on the registry's artifact store and database: the launcher reads studies
 * from the store, names the champion to gate pods there, and applies their decisions to the
 * registry ({@link GateDecision#apply}), the only writer of the database.
 */
public final class StoreStepArtifacts implements StepArtifacts {
  private static final Logger LOG = LoggerFactory.getLogger(StoreStepArtifacts.class);

  private final JdbcModelRegistry registry;
  private final String model;

  public StoreStepArtifacts(JdbcModelRegistry registry, String model) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.model = Objects.requireNonNull(model, "model");
  }

  private ArtifactStore store() {
    return registry.artifacts();
  }

  /** The artifact store's root, for {@link JobRenderer#location}. */
  public String root() {
    return store().root();
  }

  @Override
  public Optional<BestTrial> bestTrial(String runKey, String studyKey) {
    Path local = null;
    try {
      local = Files.createTempDirectory("driftgate-study-");
      Optional<TrialResult> best = new StudyObjects(store(), studyKey).best(local);
      return best.map(t -> new BestTrial(t.params(), t.index()));
    } catch (IOException e) {
      LOG.warn("cannot read the study {} of run {}: {}", studyKey, runKey, e.toString());
      return Optional.empty();
    } finally {
      GateDecision.deleteTree(local);
    }
  }

  @Override
  public void prepareGate(RetrainRun run, int attempt, String championKey) {
    writeEvidence(run, championKey.substring(0, championKey.lastIndexOf('/')));
    try {
      if (store().exists(championKey)) {
        return; // an earlier submit of this attempt named it; its Job may be running
      }
      GateDecision.Champion champion = GateDecision.Champion.of(registry, model);
      try {
        store().create(championKey, champion.toJson());
        LOG.info(
            "run {} attempt {}: the gate compares with champion {}",
            run.key(),
            attempt,
            champion.version() == null ? "none" : champion.version());
      } catch (AlreadyExistsException e) {
        // written meanwhile by another submit of the attempt: that one stands
      }
    } catch (RuntimeException e) {
      throw new StepException(
          "cannot name the champion to the gate at "
              + store().location(championKey)
              + ": "
              + e.getMessage(),
          true,
          e);
    }
  }

  /**
   * The run's trigger ({@link DriftEvidence#OBJECT}) and, when the monitor cited drift reports, its
   * history page ({@link DriftEvidence#PAGE_OBJECT}) beside the gate's decision: the pod has no
   * database, its report links to the page. Best effort: without them the report names no evidence,
   * the gate still runs.
   */
  private void writeEvidence(RetrainRun run, String gateKey) {
    String key = gateKey + "/" + DriftEvidence.OBJECT;
    try {
      if (store().exists(key)) {
        return; // an earlier submit of this attempt wrote it
      }
      MonitorStore monitor = new JdbcMonitorStore(registry.database(), model);
      DriftEvidence evidence = DriftEvidence.of(monitor, run.key(), run.request().reasons());
      if (evidence.hasReports()) {
        // the page first: whoever reads the trigger finds its page
        store()
            .put(
                gateKey + "/" + DriftEvidence.PAGE_OBJECT,
                DriftEvidence.page(monitor, registry.describe())
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      store().put(key, evidence.toJson());
    } catch (RuntimeException e) {
      LOG.warn("no drift evidence for the gate of run {}: {}", run.key(), e.toString());
    }
  }

  @Override
  public GateStep.Verdict applyGate(
      String runKey, int attempt, String decisionKey, GateStep.Verdict reported) {
    GateDecision d;
    try {
      d = GateDecision.fromJson(store().read(decisionKey));
    } catch (NoSuchElementException e) {
      throw new StepException(
          "the gate reported a verdict but left no decision at " + store().location(decisionKey),
          true,
          e);
    } catch (IllegalArgumentException e) {
      throw new StepException(e.getMessage(), false, e);
    }
    if (!d.model().equals(model)) {
      throw new StepException(
          "the decision at " + store().location(decisionKey) + " is on model " + d.model(), false);
    }
    if (reported.modelVersion() != null && !reported.modelVersion().equals(d.challengerVersion())) {
      throw new StepException(
          "the gate pod reported "
              + reported.modelVersion()
              + " but its decision is on "
              + d.challengerVersion(),
          false);
    }
    Path scratch = null;
    try {
      scratch = Files.createTempDirectory("driftgate-register-");
      GateDecision.Applied a = d.apply(registry, runKey, attempt, scratch);
      LOG.info(
          "run {} attempt {}: registered {}{} ({} ledger entries written)",
          runKey,
          attempt,
          a.version().versionId(),
          a.promoted() ? ", champion now" : ", not promoted",
          a.entries().size());
      return new GateStep.Verdict(a.promoted(), a.version().versionId(), a.reason());
    } catch (TamperedModelException e) {
      throw new StepException("refusing the challenger: " + e.getMessage(), false, e);
    } catch (IOException e) {
      throw new StepException("cannot register the challenger: " + e, true, e);
    } finally {
      GateDecision.deleteTree(scratch);
    }
  }
}
