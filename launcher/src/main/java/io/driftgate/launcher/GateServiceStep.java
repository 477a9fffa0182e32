package io.driftgate.launcher;

import io.driftgate.core.monitor.MonitorStore;
import io.driftgate.core.registry.JdbcModelRegistry;
import io.driftgate.core.report.DriftEvidence;
import io.driftgate.core.report.DriftReportHtml;
import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.gate.GateReportHtml;
import io.driftgate.gate.GateRequest;
import io.driftgate.gate.GateService;
import io.driftgate.gate.TriggerEvidence;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * {@link GateStep} over {@link GateService}: gates the run's best model against the registry's
 * champion (absolute floors only while there is none) on the run's pinned lake snapshot, registers
 * it, moves {@code champion} when it passes, and writes the HTML report next to the run ({@code
 * <reports>/<key>.gate.html}).
 */
public final class GateServiceStep implements GateStep {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(GateServiceStep.class);
  private final Path specFile;
  private final Path lake;
  private final JdbcModelRegistry registry;
  private final Path reports;
  private final long seed;
  private final int bootstrapResamples;
  private final int explainPoints;

  /** Each gated run's decision, by run key, for callers that show the test (the demo). */
  private final java.util.Map<String, GateService.Decision> decisions =
      new java.util.concurrent.ConcurrentHashMap<>();

  public GateServiceStep(
      Path specFile,
      Path lake,
      JdbcModelRegistry registry,
      Path reports,
      long seed,
      int bootstrapResamples,
      int explainPoints) {
    this.specFile = Objects.requireNonNull(specFile, "specFile");
    this.lake = Objects.requireNonNull(lake, "lake");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.reports = Objects.requireNonNull(reports, "reports");
    this.seed = seed;
    this.bootstrapResamples = bootstrapResamples;
    this.explainPoints = explainPoints;
  }

  /** The gate's decision for a run this step gated (in this process), if any. */
  public java.util.Optional<GateService.Decision> decision(String runKey) {
    return java.util.Optional.ofNullable(decisions.get(runKey));
  }

  /** Where the HTML report of a run goes. */
  public Path reportFile(String runKey) {
    return reports.resolve(io.driftgate.core.run.IdempotencyKey.storageName(runKey) + ".gate.html");
  }

  /** Where the drift evidence page of a run goes, next to its gate report. */
  public Path evidenceFile(String runKey) {
    return reports.resolve(
        io.driftgate.core.run.IdempotencyKey.storageName(runKey) + ".drift.html");
  }

  /**
   * The run's trigger: its request's reasons and, when the drift monitor published the request, the
   * drift reports it cited, with the monitor's history written next to the gate report as the page
   * the report links to. The monitor's store may not exist (a manual request on a fresh database):
   * the report then names the trigger without a link.
   */
  public TriggerEvidence trigger(RetrainRun run) {
    List<String> ids = List.of();
    String link = null;
    try {
      ModelSpec spec = SpecLoader.load(specFile);
      MonitorStore store = MonitorStore.open(spec.state(), run.model());
      DriftEvidence evidence = DriftEvidence.of(store, run.key(), run.request().reasons());
      ids = evidence.driftReportIds();
      if (evidence.hasReports()) {
        Path page = evidenceFile(run.key());
        Files.createDirectories(reports);
        DriftReportHtml.write(DriftEvidence.page(store, spec.state().describe()), page);
        link = page.getFileName().toString();
      }
    } catch (RuntimeException | java.io.IOException e) {
      LOG.warn("no drift evidence for the gate report of {}: {}", run.key(), e.toString());
    }
    return new TriggerEvidence(run.key(), run.request().reasons(), ids, link);
  }

  @Override
  public Verdict gate(RetrainRun run, String modelDir, Claim claim) throws Exception {
    if (modelDir == null || !Files.isDirectory(Path.of(modelDir))) {
      throw new StepException("no model directory to gate: " + modelDir, false);
    }
    GateRequest request =
        GateRequest.builder()
            .setSpec(specFile)
            .optLake(lake)
            .setChallenger(Path.of(modelDir))
            .optSeed(seed)
            .optExplainPoints(explainPoints)
            .optBackground(GateRequest.BackgroundMethod.KMEANS, 16)
            .optBootstrapResamples(bootstrapResamples)
            .optSnapshot(run.request().lakeSnapshotId())
            .optMetadataLocation(run.request().lakeMetadataLocation())
            .optTrigger(trigger(run))
            .build();
    GateService.Decision d;
    try {
      d = new GateService(registry).gate(run.model(), request, claim::mayApply);
    } catch (GateService.DecisionRefused e) {
      throw new NotApplied(e.getMessage());
    }
    decisions.put(run.key(), d);
    Path report = reportFile(run.key());
    Files.createDirectories(reports);
    GateReportHtml.write(d.outcome(), report);
    String reason =
        (d.promoted() ? "promoted" : "rejected")
            + " (champion before: "
            + (d.championBefore() == null ? "none" : d.championBefore())
            + "): "
            + String.join("; ", d.outcome().report().reasons())
            + " | report "
            + report.toAbsolutePath().normalize();
    return new Verdict(d.promoted(), d.version().versionId(), reason);
  }
}
