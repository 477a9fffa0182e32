package io.driftgate.cli;

import io.driftgate.core.gate.CheckResult;
import io.driftgate.core.gate.RankPolicy;
import io.driftgate.core.registry.JdbcModelRegistry;
import io.driftgate.core.registry.LedgerEntry;
import io.driftgate.core.registry.TamperedModelException;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.gate.GateOutcome;
import io.driftgate.gate.GateReportHtml;
import io.driftgate.gate.GateRequest;
import io.driftgate.gate.GateService;
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
      "Exit code: 0 promoted, 1 rejected, 2 usage error."
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
      GateReportHtml.write(d.outcome(), report);
      System.out.println("report: " + report.toAbsolutePath().normalize());
    }
    if (verdict != null) {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("promoted", d.promoted());
      v.put("version", d.version().versionId());
      v.put("reason", String.join("; ", d.outcome().report().reasons()));
      String text = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(v);
      int over = text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length - VERDICT_LIMIT;
      if (over > 0) { // Kubernetes keeps 4096 bytes of a termination message: shorten the reason
        String reason = (String) v.get("reason");
        v.put("reason", reason.substring(0, Math.max(0, reason.length() - over - 8)) + " [...]");
      }
      Files.writeString(
          verdict, new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(v));
      return 0;
    }
    return d.promoted() ? 0 : 1;
  }

  /** A tampered model is a clear error (exit 2), not a stack trace. */
  static Integer refuseTampered(Callable<Integer> body) throws Exception {
    try {
      return body.call();
    } catch (TamperedModelException e) {
      throw new IllegalStateException("refusing a tampered model: " + e.getMessage(), e);
    }
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
      return JdbcModelRegistry.open(spec.state());
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
        description =
            "warn or fail when a rank or seed stability check fails (concept drift reorders"
                + " importances). Default: ${DEFAULT-VALUE}.",
        defaultValue = "warn")
    String rankPolicy;

    @Option(
        names = "--from",
        description = "Validation range start (ISO instant); default: the challenger's own.")
    Instant from;

    @Option(names = "--to", description = "Validation range end (exclusive, ISO instant).")
    Instant to;

    GateRequest.Builder request(SpecOption specOption, ModelSpec spec) {
      RankPolicy p;
      try {
        p = RankPolicy.valueOf(rankPolicy.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "--rank-policy: \"" + rankPolicy + "\" is not fail or warn");
      }
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
