package io.driftgate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.driftgate.core.registry.JdbcModelRegistry;
import io.driftgate.core.registry.LedgerEntry;
import io.driftgate.core.registry.LegacyRegistryImport;
import io.driftgate.core.registry.ModelDirectory;
import io.driftgate.core.registry.ModelVersion;
import io.driftgate.core.spec.Durations;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.state.ArtifactStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Lists and shows registered model versions. */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description = "Registered model versions of the spec's model.",
    subcommands = {
      ModelsCommand.ListCommand.class,
      ModelsCommand.ShowCommand.class,
      ModelsCommand.GcCommand.class,
      ModelsCommand.ImportLegacyCommand.class
    })
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

  /** A ledger entry as {@code --json} prints it (the record's fields, time as ISO-8601). */
  static Map<String, Object> json(LedgerEntry e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seq", e.seq());
    m.put("time", e.time().toString());
    m.put("model", e.model());
    m.put("alias", e.alias());
    m.put("action", e.action().name());
    m.put("fromVersion", e.fromVersion());
    m.put("toVersion", e.toVersion());
    m.put("actor", e.actor());
    m.put("reason", e.reason());
    m.put("details", e.details());
    m.put("prevHash", e.prevHash());
    m.put("hash", e.hash());
    return m;
  }

  static List<Map<String, Object>> json(List<LedgerEntry> entries) {
    return entries.stream().map(ModelsCommand::json).toList();
  }

  /** A version as {@code --json} prints it. */
  static Map<String, Object> json(ModelVersion v, Map<String, String> aliases) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", v.versionId());
    m.put("contentHash", v.contentHash());
    m.put("registeredAt", v.registeredAt().toString());
    m.put("aliases", aliasList(aliases, v.versionId()));
    m.put("metadata", v.metadata());
    return m;
  }

  private static List<String> aliasList(Map<String, String> aliases, String versionId) {
    String a = aliasesOf(aliases, versionId);
    return a.isEmpty() ? List.of() : List.of(a.split(","));
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the versions.")
  static final class ListCommand implements Callable<Integer> {
    @Mixin SpecOption specOption;
    @Mixin GateCommand.RegistryOptions registryOptions;

    @Option(names = "--json", description = "Print the versions as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      return GateCommand.refuseTampered(this::run);
    }

    private Integer run() throws Exception {
      ModelSpec spec = specOption.load();
      JdbcModelRegistry reg = registryOptions.open(spec);
      List<ModelVersion> vs = reg.versions(spec.model());
      Map<String, String> aliases = reg.aliases(spec.model());
      if (json) {
        List<Map<String, Object>> out = new ArrayList<>();
        vs.forEach(v -> out.add(ModelsCommand.json(v, aliases)));
        System.out.println(JSON.writeValueAsString(out));
        return 0;
      }
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
      System.out.printf("%d versions of %s in %s%n", vs.size(), spec.model(), reg.describe());
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

    @Option(names = "--json", description = "Print the version as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      return GateCommand.refuseTampered(this::run);
    }

    private Integer run() throws Exception {
      ModelSpec spec = specOption.load();
      JdbcModelRegistry reg = registryOptions.open(spec);
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
      if (json) {
        Map<String, Object> out = ModelsCommand.json(v, reg.aliases(spec.model()));
        out.put("verified", true);
        out.put("path", dir.toString());
        out.put("files", ModelDirectory.readManifest(dir).files());
        for (String f : List.of("metrics.json", "gate/importance.json")) {
          Path p = dir.resolve(f);
          if (Files.isRegularFile(p)) {
            out.put(f, JSON.readTree(p.toFile()));
          }
        }
        System.out.println(JSON.writeValueAsString(out));
        return 0;
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

  @Command(
      name = "gc",
      mixinStandardHelpOptions = true,
      description = {
        "Remove the artifact store's model objects that no registered version references (what"
            + " a registration that died before committing left behind), printing each.",
        "Objects younger than --grace are kept: a registration may be writing them."
      })
  static final class GcCommand implements Callable<Integer> {
    @Mixin SpecOption specOption;
    @Mixin GateCommand.RegistryOptions registryOptions;

    @Option(
        names = "--grace",
        description = "Keep unreferenced objects younger than this. Default: ${DEFAULT-VALUE}.",
        defaultValue = "24h")
    String grace;

    @Option(names = "--dry-run", description = "Print what would be removed; remove nothing.")
    boolean dryRun;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      Duration g;
      try {
        g = Durations.parse(grace);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("--grace: " + e.getMessage());
      }
      ModelSpec spec = specOption.load();
      JdbcModelRegistry reg = registryOptions.open(spec);
      JdbcModelRegistry.GcReport r = reg.gc(g, dryRun);
      if (json) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("artifacts", reg.artifacts().root());
        out.put("dryRun", r.dryRun());
        out.put("grace", g.toString());
        out.put("listed", r.listed());
        out.put("referenced", r.referenced());
        out.put("removed", objects(reg, r.removed()));
        out.put("removedBytes", r.removedBytes());
        out.put("young", objects(reg, r.young()));
        System.out.println(JSON.writeValueAsString(out));
        return 0;
      }
      String verb = dryRun ? "would remove" : "removed";
      for (ArtifactStore.StoredObject o : r.removed()) {
        System.out.printf("%s %s (%,d bytes)%n", verb, reg.artifacts().location(o.key()), o.size());
      }
      for (ArtifactStore.StoredObject o : r.young()) {
        System.out.printf(
            "kept %s (unreferenced, younger than %s)%n", reg.artifacts().location(o.key()), grace);
      }
      System.out.printf(
          "%d objects in %s: %d referenced, %d %s (%,d bytes), %d kept for the grace period%n",
          r.listed(),
          reg.artifacts().root(),
          r.referenced(),
          r.removed().size(),
          verb,
          r.removedBytes(),
          r.young().size());
      return 0;
    }

    private static List<Map<String, Object>> objects(
        JdbcModelRegistry reg, List<ArtifactStore.StoredObject> objects) {
      List<Map<String, Object>> out = new ArrayList<>();
      for (ArtifactStore.StoredObject o : objects) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("location", reg.artifacts().location(o.key()));
        m.put("bytes", o.size());
        m.put(
            "created",
            o.createdAtMillis() > 0
                ? java.time.Instant.ofEpochMilli(o.createdAtMillis()).toString()
                : null);
        out.add(m);
      }
      return out;
    }
  }

  @Command(
      name = "import-legacy",
      mixinStandardHelpOptions = true,
      description = {
        "Import a registry folder in the layout before the state database"
            + " (<dir>/<model>/versions/, ledger.jsonl) into the registry: every version is"
            + " verified and registered with its original time and metadata, the ledger's lines"
            + " are verified and copied verbatim (same hashes). Running it again changes nothing.",
        "The folder is only read; remove it yourself once the import is checked."
      })
  static final class ImportLegacyCommand implements Callable<Integer> {
    @Mixin SpecOption specOption;
    @Mixin GateCommand.RegistryOptions registryOptions;

    @Parameters(index = "0", paramLabel = "DIR", description = "The old registry folder.")
    Path dir;

    @Option(names = "--all", description = "Every model in DIR, not only the spec's model.")
    boolean all;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      return GateCommand.refuseTampered(this::run);
    }

    private Integer run() throws Exception {
      ModelSpec spec = specOption.load();
      JdbcModelRegistry reg = registryOptions.open(spec);
      List<String> models = all ? LegacyRegistryImport.models(dir) : List.of(spec.model());
      List<LegacyRegistryImport.Result> results = new ArrayList<>();
      for (String m : models) {
        results.add(LegacyRegistryImport.run(dir, m, reg));
      }
      if (json) {
        System.out.println(JSON.writeValueAsString(results));
        return 0;
      }
      for (LegacyRegistryImport.Result r : results) {
        for (String v : r.versions()) {
          System.out.printf(
              "%s %s %s%n",
              r.model(), v, r.registered().contains(v) ? "imported" : "already registered");
        }
        System.out.printf(
            "%s: %d versions (%d new), ledger %d entries (%s)%n",
            r.model(),
            r.versions().size(),
            r.registered().size(),
            r.ledgerEntries(),
            r.ledgerWritten() > 0 ? r.ledgerWritten() + " written" : "already there");
      }
      System.out.println("into " + reg.describe());
      return 0;
    }
  }
}
