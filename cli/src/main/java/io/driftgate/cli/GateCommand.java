package io.driftgate.cli;

import io.driftgate.core.gate.CheckResult;
import io.driftgate.core.gate.RankPolicy;
import io.driftgate.core.registry.GateDecision;
import io.driftgate.core.registry.JdbcModelRegistry;
import io.driftgate.core.registry.LedgerEntry;
import io.driftgate.core.registry.Manifest;
import io.driftgate.core.registry.ModelObjects;
import io.driftgate.core.registry.TamperedModelException;
import io.driftgate.core.report.DriftEvidence;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.state.ArtifactStore;
import io.driftgate.gate.GateOutcome;
import io.driftgate.gate.GateReportHtml;
import io.driftgate.gate.GateRequest;
import io.driftgate.gate.GateService;
import io.driftgate.gate.TriggerEvidence;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs the promotion gate on a trained model directory and acts on the registry. */
@Command(
    name = "gate",
    mixinStandardHelpOptions = true,
    description = {
      "Gate a challenger model directory against the registry's champion on the newest"
          + " validation data: score both on the same rows, SHAP-explain the challenger, run the"
          + " checks, register the challenger (alias challenger) and move champion if it passes.",
      "Exit code: 0 promoted, 1 rejected, 2 usage error, 3 failure."
    })
final class GateCommand implements Callable<Integer> {
  @Mixin SpecOption specOption;

  @Option(names = "--model", required = true, description = "The challenger's model directory.")
  Path model;

  @Mixin RegistryOptions registryOptions;

  @Mixin GateOptions gateOptions;

  @Option(
      names = "--snapshot",
      paramLabel = "ID",
      description =
          "Lake snapshot (records table) to read the validation rows from. Default: the"
              + " challenger's training snapshot (its training.json), else the current one.")
  Long snapshot;

  @Option(
      names = "--metadata-location",
      paramLabel = "FILE",
      description =
          "Read the records table from this metadata file, without the lake's catalog (e.g. a"
              + " pod whose lake volume is read-only).")
  String metadataLocation;

  @Option(names = "--report", description = "Write the HTML report here.")
  Path report;

  @Option(
      names = "--json",
      description =
          "Print the outcome as JSON (checks, metrics, verdict, registered version, ledger)"
              + " instead of text. Not with --decision-key.")
  boolean json;

  @Option(
      names = "--decision-key",
      paramLabel = "KEY",
      description =
          "Gate without the registry, as a Kubernetes gate pod (no database): compare with the"
              + " champion the launcher named in the spec's artifact store (KEY/champion.json),"
              + " write the challenger's files as blobs, KEY/decision.json and KEY/report.html"
              + " there; the launcher registers the challenger and moves the aliases.")
  String decisionKey;

  @Option(
      names = "--verdict",
      description =
          "Write the verdict as JSON {promoted, version, reason} here (e.g. a Kubernetes"
              + " termination-message path) and exit 0 for a rejection too: the launcher's"
              + " kubernetes backend reads it.")
  Path verdict;

  /** Bytes a verdict may take: what Kubernetes keeps of a termination message. */
  static final int VERDICT_LIMIT = 4096;

  @Override
  public Integer call() throws Exception {
    return GateCommand.refuseTampered(this::run);
  }

  private Integer run() throws Exception {
    if (!Files.isDirectory(model)) {
      throw new IllegalArgumentException("--model: " + model + " is not a directory");
    }
    ModelSpec spec = specOption.load();
    if (decisionKey != null) {
      if (json) {
        throw new IllegalArgumentException(
            "--json is for gating against the registry: drop it with --decision-key");
      }
      if (registryOptions.registry != null) {
        throw new IllegalArgumentException(
            "--decision-key gates without the registry: drop --registry");
      }
      return withoutRegistry(spec);
    }
    GateService service = new GateService(registryOptions.open(spec));
    GateService.Decision d =
        service.gate(
            spec.model(),
            gateOptions
                .request(specOption, spec)
                .setChallenger(model)
                .optSnapshot(snapshot)
                .optMetadataLocation(metadataLocation)
                .build());
    if (report != null) {
      GateReportHtml.write(d.outcome(), report);
    }
    if (json) {
      Map<String, Object> out = outcomeJson(d.outcome());
      out.put("version", d.version().versionId());
      out.put("promoted", d.promoted());
      out.put("championBefore", d.championBefore());
      out.put(
          "ledger",
          d.entries().stream()
              .map(
                  e -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("seq", e.seq());
                    m.put("alias", e.alias());
                    m.put("fromVersion", e.fromVersion());
                    m.put("toVersion", e.toVersion());
                    return m;
                  })
              .toList());
      out.put("report", report == null ? null : report.toAbsolutePath().normalize().toString());
      System.out.println(ModelsCommand.JSON.writeValueAsString(out));
    } else {
      print(d.outcome());
      System.out.printf(
          "registered %s; %s%n",
          d.version().versionId(),
          d.promoted()
              ? "champion: "
                  + (d.championBefore() == null ? "none" : d.championBefore())
                  + " -> "
                  + d.version().versionId()
              : "rejected, champion stays "
                  + (d.championBefore() == null ? "unset" : d.championBefore()));
      for (LedgerEntry e : d.entries()) {
        System.out.printf(
            "ledger #%d %s %s -> %s%n", e.seq(), e.alias(), e.fromVersion(), e.toVersion());
      }
      if (report != null) {
        System.out.println("report: " + report.toAbsolutePath().normalize());
      }
    }
    if (verdict != null) {
      writeVerdict(
          verdict,
          d.promoted(),
          d.version().versionId(),
          String.join("; ", d.outcome().report().reasons()));
      return 0;
    }
    return d.promoted() ? Main.EXIT_OK : Main.EXIT_NEGATIVE;
  }

  /**
   * The run's trigger the launcher wrote beside the champion ({@link DriftEvidence#OBJECT}), linked
   * to the drift history page it wrote next to it; null when there is none (a launcher before this
   * object existed, or it could not read the monitor's store).
   */
  static TriggerEvidence trigger(ArtifactStore store, String decisionKey) {
    String key = decisionKey + "/" + DriftEvidence.OBJECT;
    if (!store.exists(key)) {
      return null;
    }
    DriftEvidence e = DriftEvidence.fromJson(store.read(key));
    // relative: the report is stored at decisionKey/report.html, beside the page
    boolean page = store.exists(decisionKey + "/" + DriftEvidence.PAGE_OBJECT);
    return new TriggerEvidence(
        e.runKey(), e.reasons(), e.driftReportIds(), page ? DriftEvidence.PAGE_OBJECT : null);
  }

  /**
   * The gate of a pod: the champion from the artifact store, the decision to it, the verdict to
   * {@code --verdict}; nothing written to the database.
   */
  private Integer withoutRegistry(ModelSpec spec) throws Exception {
    Path scratch = Files.createTempDirectory("driftgate-gate-");
    try (ArtifactStore store = ArtifactStore.open(spec)) {
      String championKey = decisionKey + "/" + GateDecision.CHAMPION_OBJECT;
      GateDecision.Champion champion;
      try {
        champion = GateDecision.Champion.fromJson(store.read(championKey));
      } catch (java.util.NoSuchElementException e) {
        throw new IllegalStateException(
            "no champion named at "
                + store.location(championKey)
                + ": the launcher writes it before it creates the gate's Job");
      }
      Path championDir =
          champion.version() == null
              ? null
              : ModelObjects.materialize(store, champion.manifest(), scratch.resolve("champion"));
      GateService.Judgement j =
          GateService.judge(
              spec.model(),
              gateOptions
                  .request(specOption, spec)
                  .setChallenger(model)
                  .optSnapshot(snapshot)
                  .optMetadataLocation(metadataLocation)
                  .optTrigger(trigger(store, decisionKey))
                  .build(),
              champion.version(),
              championDir,
              store.location(decisionKey),
              Files.createDirectories(scratch.resolve("stage")),
              java.time.Clock.systemUTC());
      print(j.outcome());
      Path html = scratch.resolve("report.html");
      GateReportHtml.write(j.outcome(), html);
      String reportKey = decisionKey + "/" + GateDecision.REPORT_OBJECT;
      store.putFile(reportKey, html);
      if (report != null) {
        Files.copy(html, report, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      Manifest manifest = ModelObjects.putBlobs(store, j.challenger());
      GateDecision decision = j.decision(manifest, reportKey);
      String decisionObject = decisionKey + "/" + GateDecision.DECISION_OBJECT;
      store.put(decisionObject, decision.toJson());
      System.out.printf(
          "decision on %s against champion %s: %s (written to %s; the launcher registers it)%n",
          decision.challengerVersion(),
          champion.version() == null ? "none" : champion.version(),
          decision.promote() ? "PROMOTE" : "REJECT",
          store.location(decisionObject));
      System.out.println("report: " + store.location(reportKey));
      if (verdict != null) {
        writeVerdict(
            verdict,
            decision.promote(),
            decision.challengerVersion(),
            String.join("; ", decision.reasons()));
        return 0;
      }
      return decision.promote() ? Main.EXIT_OK : Main.EXIT_NEGATIVE;
    } finally {
      GateDecision.deleteTree(scratch);
    }
  }

  /** Writes {promoted, version, reason}, within what Kubernetes keeps of a termination message. */
  static void writeVerdict(Path file, boolean promoted, String version, String reason)
      throws java.io.IOException {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("promoted", promoted);
    v.put("version", version);
    v.put("reason", reason);
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    String text = json.writeValueAsString(v);
    int over = text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length - VERDICT_LIMIT;
    if (over > 0) { // Kubernetes keeps 4096 bytes of a termination message: shorten the reason
      v.put("reason", reason.substring(0, Math.max(0, reason.length() - over - 8)) + " [...]");
    }
    Files.writeString(file, json.writeValueAsString(v));
  }

  /** A tampered model is a clear error (exit 2), not a stack trace. */
  static Integer refuseTampered(Callable<Integer> body) throws Exception {
    try {
      return body.call();
    } catch (TamperedModelException e) {
      throw new IllegalStateException("refusing a tampered model: " + e.getMessage(), e);
    }
  }

  /** The outcome's fields that {@link #print} shows, as a JSON-ready map. */
  static Map<String, Object> outcomeJson(GateOutcome o) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model", o.model());
    out.put("validationRows", o.validationRows());
    out.put("validationFrom", Instant.ofEpochMilli(o.validationFrom()).toString());
    out.put("validationTo", Instant.ofEpochMilli(o.validationTo()).toString());
    out.put("millis", o.millis());
    out.put(
        "checks",
        o.report().checks().stream()
            .map(
                c -> {
                  Map<String, Object> m = new LinkedHashMap<>();
                  m.put("status", c.status().name());
                  m.put("name", c.name());
                  m.put("detail", c.detail());
                  return m;
                })
            .toList());
    Map<String, Object> metrics = new LinkedHashMap<>();
    o.challengerMetrics()
        .forEach(
            (k, v) -> {
              Map<String, Object> m = new LinkedHashMap<>();
              m.put("champion", finite(o.championMetrics().get(k)));
              m.put("challenger", finite(v));
              m.put("delta", finite(o.metricDeltas().get(k)));
              metrics.put(k, m);
            });
    out.put("metrics", metrics);
    out.put("verdict", o.promote() ? "PROMOTE" : "REJECT");
    out.put("reasons", o.report().reasons());
    return out;
  }

  private static Double finite(Double v) {
    return v == null || !Double.isFinite(v) ? null : v;
  }

  static void print(GateOutcome o) {
    System.out.printf(
        "gate %s: %,d validation rows [%s, %s), %d ms%n",
        o.model(),
        o.validationRows(),
        Instant.ofEpochMilli(o.validationFrom()),
        Instant.ofEpochMilli(o.validationTo()),
        o.millis());
    for (CheckResult c : o.report().checks()) {
      System.out.printf("  %-7s %-19s %s%n", c.status(), c.name(), c.detail());
    }
    o.metricDeltas()
        .forEach(
            (k, v) ->
                System.out.printf(
                    Locale.ROOT,
                    "  %-10s champion %.4f  challenger %.4f  delta %+.4f%n",
                    k,
                    o.championMetrics().get(k),
                    o.challengerMetrics().get(k),
                    v));
    System.out.println("verdict: " + (o.promote() ? "PROMOTE" : "REJECT"));
  }

  /**
   * The model registry: the spec's {@code state} (its database and artifact store; by default the
   * lake catalog's database and {@code artifacts/} beside the warehouse), or a standalone registry
   * folder given with {@code --registry}.
   */
  static final class RegistryOptions {
    @Option(
        names = "--registry",
        paramLabel = "DIR",
        description =
            "A standalone registry folder (SQLite state.db, artifacts/, cache/) instead of the"
                + " spec's state database and artifact store. For local experiments and tests.")
    Path registry;

    JdbcModelRegistry open(ModelSpec spec) {
      if (registry != null) {
        return JdbcModelRegistry.embedded(registry);
      }
      return JdbcModelRegistry.open(spec);
    }

    /**
     * The folder that runs and studies default to siblings of: {@code --registry}, else {@code
     * registry} next to the lake's parent ({@code .driftgate/registry} for the example).
     */
    Path root(ModelSpec spec) {
      if (registry != null) {
        return registry;
      }
      Path lake = spec.lake().path().toAbsolutePath().normalize();
      Path parent = lake.getParent() == null ? lake : lake.getParent();
      return parent.resolveSibling("registry");
    }
  }

  /** The gate's tuning options, shared with {@code promote}. */
  static final class GateOptions {
    @Option(
        names = "--seed",
        description = "SHAP and bootstrap seed. Default: ${DEFAULT-VALUE}.",
        defaultValue = "7")
    long seed;

    @Option(
        names = "--explain-points",
        description = "Validation points explained with SHAP. Default: ${DEFAULT-VALUE}.",
        defaultValue = "200")
    int explainPoints;

    @Option(
        names = "--background",
        description = "SHAP background size (k-means centroids). Default: ${DEFAULT-VALUE}.",
        defaultValue = "32")
    int background;

    @Option(
        names = "--bootstrap",
        description = "Paired bootstrap resamples. Default: ${DEFAULT-VALUE}.",
        defaultValue = "2000")
    int bootstrap;

    @Option(
        names = "--rank-policy",
        completionCandidates = CliEnums.RankPolicies.class,
        description =
            "A failing rank or seed stability check (concept drift reorders importances) fails"
                + " the gate or warns: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.",
        defaultValue = "warn")
    RankPolicy rankPolicy;

    @Option(
        names = "--from",
        description = "Validation range start (ISO instant); default: the challenger's own.")
    Instant from;

    @Option(names = "--to", description = "Validation range end (exclusive, ISO instant).")
    Instant to;

    GateRequest.Builder request(SpecOption specOption, ModelSpec spec) {
      RankPolicy p = rankPolicy;
      if ((from == null) != (to == null)) {
        throw new IllegalArgumentException("--from and --to go together");
      }
      GateRequest.Builder b =
          GateRequest.builder()
              .setSpec(specOption.spec)
              .optLake(spec.lake().path())
              .optSeed(seed)
              .optExplainPoints(explainPoints)
              .optBackground(GateRequest.BackgroundMethod.KMEANS, background)
              .optBootstrapResamples(bootstrap)
              .optRankPolicy(p);
      if (from != null) {
        b.optRange(from.toEpochMilli(), to.toEpochMilli());
      }
      return b;
    }
  }
}
