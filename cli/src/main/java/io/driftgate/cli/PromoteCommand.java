package io.driftgate.cli;

import io.driftgate.core.registry.LedgerEntry;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.gate.GateReportHtml;
import io.driftgate.gate.GateService;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Makes a registered version champion: through the gate, or forced with a reason. */
@Command(
    name = "promote",
    mixinStandardHelpOptions = true,
    description = {
      "Promote a registered version to champion. Runs the gate against the current champion"
          + " unless --force; --force skips the gate and needs --reason.",
      "Exit code: 0 promoted, 1 rejected by the gate, 2 usage error."
    })
final class PromoteCommand implements Callable<Integer> {
  @Mixin SpecOption specOption;
  @Mixin GateCommand.RegistryOptions registryOptions;
  @Mixin GateCommand.GateOptions gateOptions;

  @Parameters(index = "0", description = "Version id (sha256:...).")
  String version;

  @Option(names = "--force", description = "Skip the gate (requires --reason).")
  boolean force;

  @Option(names = "--reason", description = "Why; recorded in the ledger.")
  String reason;

  @Option(names = "--actor", description = "Who; default: the user name.")
  String actor;

  @Option(names = "--report", description = "Write the gate's HTML report here.")
  Path report;

  @Option(
      names = "--json",
      description =
          "Print the result as JSON: {promoted, version, championBefore, reasons, ledger}.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    return GateCommand.refuseTampered(this::run);
  }

  private Integer run() throws Exception {
    ModelSpec spec = specOption.load();
    GateService service = new GateService(registryOptions.open(spec));
    if (service.registry().version(spec.model(), version).isEmpty()) {
      throw new IllegalArgumentException(
          "unknown version " + version + "; see driftgate models list");
    }
    if (force) {
      if (reason == null || reason.isBlank()) {
        throw new IllegalArgumentException("--force needs --reason \"why the gate is bypassed\"");
      }
      LedgerEntry e =
          service.forcePromote(
              spec.model(),
              version,
              actor != null ? actor : System.getProperty("user.name", "user"),
              reason);
      if (json) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("promoted", true);
        out.put("forced", true);
        out.put("version", e.toVersion());
        out.put("championBefore", e.fromVersion());
        out.put("ledger", ModelsCommand.json(List.of(e)));
        System.out.println(ModelsCommand.JSON.writeValueAsString(out));
        return 0;
      }
      System.out.printf(
          "forced: champion %s -> %s (ledger #%d, actor %s)%n",
          e.fromVersion(), e.toVersion(), e.seq(), e.actor());
      return 0;
    }
    GateService.Decision d =
        service.promote(
            spec.model(),
            version,
            gateOptions.request(specOption, spec).setChallenger(Path.of(".")).build());
    if (report != null) {
      GateReportHtml.write(d.outcome(), report);
    }
    if (json) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("promoted", d.promoted());
      out.put("forced", false);
      out.put("version", version);
      out.put("championBefore", d.championBefore());
      out.put("reasons", d.outcome().report().reasons());
      out.put("ledger", ModelsCommand.json(d.entries()));
      out.put("decision", d.decision());
      out.put("report", report == null ? null : report.toAbsolutePath().normalize().toString());
      System.out.println(ModelsCommand.JSON.writeValueAsString(out));
      return d.promoted() ? 0 : 1;
    }
    GateCommand.print(d.outcome());
    if (report != null) {
      System.out.println("report: " + report.toAbsolutePath().normalize());
    }
    System.out.println(
        d.promoted()
            ? "champion: " + d.championBefore() + " -> " + version
            : "rejected; champion stays " + d.championBefore());
    return d.promoted() ? 0 : 1;
  }
}
