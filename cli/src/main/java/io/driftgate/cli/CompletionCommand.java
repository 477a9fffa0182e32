package io.driftgate.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Prints the bash (and zsh, through bashcompinit) completion script of every command. */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    description = {
      "Print the bash completion script for driftgate (subcommands, options, enum values).",
      "  source <(driftgate completion)          # this shell",
      "  driftgate completion > /etc/bash_completion.d/driftgate",
      "zsh: autoload -U +X bashcompinit && bashcompinit, then source it the same way."
    })
final class CompletionCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    CommandLine root = spec.root().commandLine();
    System.out.print(AutoComplete.bash(root.getCommandName(), root));
    return Main.EXIT_OK;
  }
}
