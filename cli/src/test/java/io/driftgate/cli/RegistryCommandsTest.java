package io.driftgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftgate.core.registry.JdbcModelRegistry;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.core.spec.StateSpec;
import io.driftgate.core.state.ArtifactStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * models / promote --force / rollback / ledger / models gc on a registry (the gate itself is tested
 * in gate).
 */
class RegistryCommandsTest extends ConsoleCapture {
  static final String SPEC = "../examples/flight-delay/driftgate.yaml";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private Path source(String content) throws Exception {
    Path m = dir.resolve("src-" + content);
    Files.createDirectories(m);
    Files.writeString(m.resolve("weights.bin"), content);
    Files.writeString(
        m.resolve("training.json"),
        "{\"lake\":{\"from\":\"2024-01-01T00:00:00Z\",\"to\":\"2024-01-02T00:00:00Z\","
            + "\"fromMillis\":1704067200000,\"toMillis\":1704153600000,\"rows\":10},"
            + "\"kafkaOffsets\":{\"flights-0\":[[0,10]]},\"seed\":1}");
    return m;
  }

  private String version(String content) throws Exception {
    return JdbcModelRegistry.embedded(dir.resolve("reg"))
        .register("flight-delay", source(content), Map.of("trainedFrom", "2024-01-01"))
        .versionId();
  }

  private int run(String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--registry=" + dir.resolve("reg");
    all[args.length + 1] = "--spec=" + SPEC;
    return Main.execute(all);
  }

  private JsonNode json(int code) throws Exception {
    assertThat(code).as(stderr()).isZero();
    String text = stdout();
    out.reset();
    return JSON.readTree(text);
  }

  @Test
  void ledgerJsonParsesAndCarriesWhatTheTextShows() throws Exception {
    String a = version("a");
    String b = version("b");
    assertThat(run("promote", a, "--force", "--reason=bootstrap", "--actor=alice")).isZero();
    assertThat(run("promote", b, "--force", "--reason=hotfix", "--actor=alice")).isZero();
    assertThat(run("rollback", "--reason=bad", "--actor=bob")).isZero();
    out.reset();
    assertThat(run("ledger")).isZero();
    String[] lines = stdout().split("\n");
    out.reset();
    JsonNode entries = json(run("ledger", "--json"));
    assertThat(entries).hasSize(3);
    for (int i = 0; i < 3; i++) {
      JsonNode e = entries.get(i);
      // the text line of entry i: "#<seq> <time> <action> <alias> <from> -> <to>  <actor>
      // <reason>"
      assertThat(lines[i])
          .startsWith("#" + e.get("seq").asLong())
          .contains(
              e.get("action").asText(),
              e.get("alias").asText(),
              e.get("toVersion").asText(),
              e.get("actor").asText(),
              e.get("reason").asText());
    }
    assertThat(entries.get(2).get("action").asText()).isEqualTo("ROLLBACK");
    assertThat(entries.get(2).get("fromVersion").asText()).isEqualTo(b);
    assertThat(entries.get(2).get("toVersion").asText()).isEqualTo(a);
  }

  @Test
  void forcedPromotionsRollbackAndTheLedger() throws Exception {
    String a = version("a");
    String b = version("b");
    assertThat(run("promote", a, "--force")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--force needs --reason");
    assertThat(run("promote", "sha256:0000000000000000", "--force", "--reason=x")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown version");
    assertThat(run("rollback")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("no previous champion");

    assertThat(run("promote", a, "--force", "--reason=bootstrap", "--actor=alice")).isZero();
    assertThat(stdout()).contains("forced: champion null -> " + a + " (ledger #1, actor alice)");
    assertThat(run("promote", b, "--force", "--reason=hotfix", "--actor=alice")).isZero();
    assertThat(run("models", "list")).isZero();
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text).contains(b + " ", "champion", "2 versions of flight-delay");

    assertThat(run("rollback", "--reason=bad", "--actor=bob")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("rolled back: champion " + b + " -> " + a + " (ledger #3)");
    assertThat(run("ledger")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("forced: hotfix", "ROLLBACK", "3 entries, hash chain verified");
    assertThat(run("models", "show", a)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("(verified)", "aliases:     champion", "weights.bin");

    // A tampered copy is refused: the loaded one on this machine ...
    Path copy =
        JdbcModelRegistry.embedded(dir.resolve("reg"))
            .version("flight-delay", a)
            .orElseThrow()
            .path();
    copy.resolve("weights.bin").toFile().setWritable(true);
    Files.writeString(copy.resolve("weights.bin"), "evil");
    assertThat(run("models", "show", a)).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("weights.bin");
    // ... and the object in the artifact store, for a version not loaded yet.
    Path blob =
        dir.resolve("reg/artifacts")
            .resolve(
                ArtifactStore.blobKey(
                    io.driftgate.core.registry.ModelDirectory.readManifest(
                            JdbcModelRegistry.embedded(dir.resolve("reg")).load("flight-delay", b))
                        .files()
                        .get("weights.bin")));
    Files.writeString(blob, "evil");
    deleteTree(dir.resolve("reg/cache"));
    err.reset();
    assertThat(run("models", "show", b)).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("refusing a tampered model", "'weights.bin' changed");
  }

  @Test
  void jsonOutputs() throws Exception {
    String a = version("a");
    String b = version("b");
    JsonNode promoted =
        json(run("promote", a, "--force", "--reason=bootstrap", "--actor=alice", "--json"));
    assertThat(promoted.get("promoted").asBoolean()).isTrue();
    assertThat(promoted.get("forced").asBoolean()).isTrue();
    assertThat(promoted.get("version").asText()).isEqualTo(a);
    assertThat(promoted.get("championBefore").isNull()).isTrue();
    assertThat(promoted.get("ledger").get(0).get("seq").asLong()).isEqualTo(1);
    json(run("promote", b, "--force", "--reason=hotfix", "--json"));

    JsonNode list = json(run("models", "list", "--json"));
    assertThat(list).hasSize(2);
    assertThat(list.get(0).get("version").asText()).isEqualTo(a);
    assertThat(list.get(1).get("aliases").get(0).asText()).isEqualTo("champion");
    assertThat(list.get(0).get("metadata").get("trainedFrom").asText()).isEqualTo("2024-01-01");

    JsonNode show = json(run("models", "show", b, "--json"));
    assertThat(show.get("version").asText()).isEqualTo(b);
    assertThat(show.get("verified").asBoolean()).isTrue();
    assertThat(show.get("files").has("weights.bin")).isTrue();

    JsonNode rolled = json(run("rollback", "--reason=bad", "--json"));
    assertThat(rolled.get("action").asText()).isEqualTo("ROLLBACK");
    assertThat(rolled.get("fromVersion").asText()).isEqualTo(b);
    assertThat(rolled.get("toVersion").asText()).isEqualTo(a);
    assertThat(rolled.get("seq").asLong()).isEqualTo(3);

    JsonNode ledger = json(run("ledger", "--json"));
    assertThat(ledger).hasSize(3);
    assertThat(ledger.get(1).get("hash").asText()).matches("[0-9a-f]{64}");
    assertThat(ledger.get(1).get("reason").asText()).isEqualTo("forced: hotfix");
  }

  @Test
  void theSpecsStateIsTheDefaultRegistryAndGcRemovesUnreferencedObjects() throws Exception {
    // No --registry: the lake's catalog database and artifacts/ beside its warehouse.
    Path lake = dir.resolve("lake");
    StateSpec state = SpecLoader.load(Path.of(SPEC)).withLakePath(lake).state();
    assertThat(state.url())
        .isEqualTo("jdbc:sqlite:" + lake.toAbsolutePath().normalize().resolve("catalog.db"));
    JdbcModelRegistry registry = JdbcModelRegistry.open(state);
    String a = registry.register("flight-delay", source("a"), Map.of()).versionId();
    // what a registration that died before its commit leaves: an object no row references
    byte[] orphan = "orphan weights".getBytes(StandardCharsets.UTF_8);
    Path orphanFile = Files.write(dir.resolve("orphan.bin"), orphan);
    String sha =
        java.util.HexFormat.of()
            .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(orphan));
    registry.artifacts().putBlob(orphanFile, sha);
    String orphanLocation = registry.artifacts().location(ArtifactStore.blobKey(sha));
    assertThat(Path.of(orphanLocation))
        .startsWith(lake.toAbsolutePath().normalize().resolve("artifacts"));

    String lakeArg = "--lake=" + lake;
    assertThat(Main.execute("models", "list", "--spec=" + SPEC, lakeArg)).isZero();
    assertThat(stdout()).contains(a, "1 versions of flight-delay in jdbc:sqlite:");
    out.reset();

    // young: kept
    assertThat(Main.execute("models", "gc", "--spec=" + SPEC, lakeArg)).as(stderr()).isZero();
    assertThat(stdout()).contains("kept " + orphanLocation, "0 removed");
    out.reset();
    // dry run with no grace: named, not removed
    assertThat(Main.execute("models", "gc", "--spec=" + SPEC, lakeArg, "--grace=0s", "--dry-run"))
        .isZero();
    assertThat(stdout())
        .contains("would remove " + orphanLocation + " (14 bytes)", "1 would remove");
    assertThat(Path.of(orphanLocation)).exists();
    out.reset();
    JsonNode gc =
        json(Main.execute("models", "gc", "--spec=" + SPEC, lakeArg, "--grace=0s", "--json"));
    assertThat(gc.get("dryRun").asBoolean()).isFalse();
    assertThat(gc.get("removed")).hasSize(1);
    assertThat(gc.get("removed").get(0).get("location").asText()).isEqualTo(orphanLocation);
    assertThat(gc.get("referenced").asInt()).isEqualTo(gc.get("listed").asInt() - 1);
    assertThat(Path.of(orphanLocation)).doesNotExist();
    // the registered version is untouched
    assertThat(Main.execute("models", "show", a, "--spec=" + SPEC, lakeArg)).isZero();
    assertThat(stdout()).contains("(verified)");
    assertThat(Main.execute("models", "gc", "--spec=" + SPEC, lakeArg, "--grace=soon"))
        .isEqualTo(2);
    assertThat(stderr()).contains("--grace");
  }

  @Test
  void importLegacyRegistersAnOldRegistryFoldersVersionsOnce() throws Exception {
    // the folder layout before the state database:
    // <dir>/<model>/versions/<hex16>/{model,version.json}
    Path src = source("legacy");
    io.driftgate.core.registry.Manifest m =
        io.driftgate.core.registry.ModelDirectory.writeManifest(src);
    String hex = m.contentHash().substring(0, 16);
    Path old = dir.resolve("old-registry");
    Path v = Files.createDirectories(old.resolve("flight-delay/versions/" + hex));
    Files.createDirectories(v.resolve("model"));
    for (String f : new String[] {"weights.bin", "training.json", "manifest.json"}) {
      Files.copy(src.resolve(f), v.resolve("model").resolve(f));
    }
    Files.writeString(
        v.resolve("version.json"),
        "{\"model\":\"flight-delay\",\"versionId\":\"sha256:"
            + hex
            + "\",\"contentHash\":\""
            + m.contentHash()
            + "\",\"registeredAt\":\"2024-02-03T04:05:06Z\",\"metadata\":{\"source\":\"old\"}}");

    assertThat(run("models", "import-legacy", old.toString())).as(stderr()).isZero();
    assertThat(stdout())
        .contains(
            "flight-delay sha256:" + hex + " imported",
            "flight-delay: 1 versions (1 new), ledger 0 entries");
    out.reset();
    assertThat(run("models", "import-legacy", old.toString(), "--all")).isZero();
    assertThat(stdout()).contains("already registered", "(0 new)");
    out.reset();
    JsonNode list = json(run("models", "list", "--json"));
    assertThat(list).hasSize(1);
    assertThat(list.get(0).get("registeredAt").asText()).isEqualTo("2024-02-03T04:05:06Z");
    assertThat(list.get(0).get("metadata").get("source").asText()).isEqualTo("old");
  }

  @Test
  void helpListsTheGateCommands() {
    assertThat(Main.execute("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("gate", "models", "promote", "rollback", "ledger");
    out.reset();
    assertThat(Main.execute("models", "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("list", "show", "gc", "import-legacy");
  }

  private static void deleteTree(Path p) throws Exception {
    try (var s = Files.walk(p)) {
      for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        x.toFile().setWritable(true);
        Files.delete(x);
      }
    }
  }
}
