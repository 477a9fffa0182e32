package io.driftgate.cli;

import io.driftgate.core.registry.JdbcModelRegistry;
import io.driftgate.core.registry.LedgerEntry;
import io.driftgate.core.spec.ModelSpec;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Moves champion back to the previous champion. */
@Command(
    name = "rollback",
    mixinStandardHelpOptions = true,
    description = "Move champion back to the previous champion (recorded in the ledger).")
final class RollbackCommand implements Callable<Integer> {
  @Mixin SpecOption specOption;
  @Mixin GateCommand.RegistryOptions registryOptions;

  @Option(
      names = "--reason",
      description = "Why; recorded in the ledger. Default: ${DEFAULT-VALUE}.",
      defaultValue = "manual rollback")
  String reason;

  @Option(names = "--actor", description = "Who; default: the user name.")
  String actor;

  @Option(names = "--json", description = "Print the ledger entry written as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    ModelSpec spec = specOption.load();
    JdbcModelRegistry reg = registryOptions.open(spec);
    Optional<LedgerEntry> e =
        reg.rollback(
            spec.model(), actor != null ? actor : System.getProperty("user.name", "user"), reason);
    if (e.isEmpty()) {
      throw new IllegalStateException(
          "no previous champion of " + spec.model() + " to roll back to");
    }
    if (json) {
      System.out.println(ModelsCommand.JSON.writeValueAsString(ModelsCommand.json(e.get())));
      return 0;
    }
    System.out.printf(
        "rolled back: champion %s -> %s (ledger #%d)%n",
        e.get().fromVersion(), e.get().toVersion(), e.get().seq());
    return 0;
  }
}
