package io.driftgate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.driftgate.core.registry.FileSystemModelRegistry;
import io.driftgate.core.registry.ModelDirectory;
import io.driftgate.core.registry.ModelVersion;
import io.driftgate.core.spec.ModelSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** Lists and shows registered model versions. */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description = "Registered model versions of the spec's model.",
    subcommands = {ModelsCommand.ListCommand.class, ModelsCommand.ShowCommand.class})
final class ModelsCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec cmd;

  @Override
  public void run() {
    cmd.commandLine().usage(System.out);
  }

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Aliases pointing at a version, e.g. "champion,challenger". */
  static String aliasesOf(Map<String, String> aliases, String versionId) {
    List<String> out = new ArrayList<>();
    aliases.forEach(
        (a, v) -> {
          if (v.equals(versionId)) {
            out.add(a);
          }
        });
    return String.join(",", out);
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the versions.")
  static final class ListCommand implements Callable<Integer> {
    @Mixin SpecOption specOption;
    @Mixin GateCommand.RegistryOptions registryOptions;

    @Override
    public Integer call() throws Exception {
      return GateCommand.refuseTampered(this::run);
    }

    private Integer run() throws Exception {
      ModelSpec spec = specOption.load();
      FileSystemModelRegistry reg = registryOptions.open(spec);
      List<ModelVersion> vs = reg.versions(spec.model());
      Map<String, String> aliases = reg.aliases(spec.model());
      System.out.printf(
          "%-24s %-22s %-21s %-41s %s%n",
          "version", "aliases", "registered", "trained on", "source");
      for (ModelVersion v : vs) {
        System.out.printf(
            "%-24s %-22s %-21s %-41s %s%n",
            v.versionId(),
            aliasesOf(aliases, v.versionId()),
            v.registeredAt().toString().replaceAll("\\.\\d+Z$", "Z"),
            v.metadata().getOrDefault("trainedFrom", "?")
                + ".."
                + v.metadata().getOrDefault("trainedTo", "?"),
            v.metadata().getOrDefault("source", ""));
      }
      System.out.printf("%d versions of %s in %s%n", vs.size(), spec.model(), reg.root());
      return 0;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show one version: metadata, aliases, files, metrics and gate importance.")
  static final class ShowCommand implements Callable<Integer> {
    @Mixin SpecOption specOption;
    @Mixin GateCommand.RegistryOptions registryOptions;

    @Parameters(index = "0", description = "Version id (sha256:...).")
    String version;

    @Override
    public Integer call() throws Exception {
      return GateCommand.refuseTampered(this::run);
    }

    private Integer run() throws Exception {
      ModelSpec spec = specOption.load();
      FileSystemModelRegistry reg = registryOptions.open(spec);
      ModelVersion v =
          reg.version(spec.model(), version)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "unknown version " + version + "; see driftgate models list"));
      Path dir;
      try {
        dir = reg.load(spec.model(), version); // verifies the sha256 of every file
      } catch (NoSuchElementException e) {
        throw new IllegalArgumentException("unknown version " + version);
      }
      System.out.println("version:     " + v.versionId());
      System.out.println("content:     sha256 " + v.contentHash() + " (verified)");
      System.out.println("registered:  " + v.registeredAt());
      System.out.println("aliases:     " + aliasesOf(reg.aliases(spec.model()), v.versionId()));
      System.out.println("path:        " + dir);
      v.metadata().forEach((k, val) -> System.out.println("meta " + k + ": " + val));
      System.out.println("files:");
      ModelDirectory.readManifest(dir)
          .files()
          .forEach((f, h) -> System.out.printf("  %-34s %s%n", f, h.substring(0, 16)));
      for (String f : List.of("metrics.json", "gate/importance.json")) {
        Path p = dir.resolve(f);
        if (Files.isRegularFile(p)) {
          System.out.println(f + ":");
          System.out.println(JSON.writeValueAsString(JSON.readTree(p.toFile())));
        }
      }
      return 0;
    }
  }
}
