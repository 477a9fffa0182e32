package io.driftgate.cli;

import io.driftgate.core.registry.JdbcModelRegistry;
import io.driftgate.core.registry.LedgerEntry;
import io.driftgate.core.spec.ModelSpec;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Prints the verified promotion ledger. */
@Command(
    name = "ledger",
    mixinStandardHelpOptions = true,
    description = "Print the promotion ledger (every alias move), after verifying its hash chain.")
final class LedgerCommand implements Callable<Integer> {
  @Mixin SpecOption specOption;
  @Mixin GateCommand.RegistryOptions registryOptions;

  @Option(names = "--json", description = "Print the entries as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    ModelSpec spec = specOption.load();
    JdbcModelRegistry reg = registryOptions.open(spec);
    List<LedgerEntry> entries = reg.ledger(spec.model()); // verifies the chain
    if (json) {
      System.out.println(ModelsCommand.JSON.writeValueAsString(ModelsCommand.json(entries)));
      return 0;
    }
    for (LedgerEntry e : entries) {
      Object decision = e.details().get("decision");
      System.out.printf(
          "#%-3d %s %-8s %-10s %s -> %s  %s%s  %s%n",
          e.seq(),
          e.time().toString().replaceAll("\\.\\d+Z$", "Z"),
          e.action(),
          e.alias(),
          e.fromVersion() == null ? "-" : e.fromVersion(),
          e.toVersion(),
          e.actor(),
          decision == null ? "" : " [" + decision + "]",
          e.reason());
    }
    System.out.printf(
        "%d entries, hash chain verified (%s)%n", entries.size(), reg.ledgerLocation(spec.model()));
    return 0;
  }
}
