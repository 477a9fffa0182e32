package io.driftgate.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A registry folder in the pre-database layout, imported once: versions and ledger intact. */
class LegacyRegistryImportTest {
  private static final String DBS = "io.driftgate.core.registry.Backends#databases";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00.123Z");

  @TempDir Path tmp;

  /** Writes a version the way the folder registry did; returns its id. */
  private String legacyVersion(Path root, String model, String seed, Instant at) throws Exception {
    Path src = TestModels.modelDir(tmp.resolve("src"), seed, seed, true);
    Manifest m = ModelDirectory.readManifest(src);
    String hex = m.contentHash().substring(0, 16);
    Path dir = root.resolve(model).resolve("versions").resolve(hex);
    Files.createDirectories(dir);
    copy(src, dir.resolve("model"));
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("model", model);
    record.put("versionId", "sha256:" + hex);
    record.put("contentHash", m.contentHash());
    record.put("registeredAt", at.toString());
    record.put("metadata", Map.of("run", "r-" + seed));
    JSON.writeValue(dir.resolve("version.json").toFile(), record);
    return "sha256:" + hex;
  }

  private static void copy(Path from, Path to) throws Exception {
    try (var s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }

  /** The ledger lines the folder registry would have written for these moves. */
  private static List<String> legacyLedger(String model, List<String[]> moves) {
    LedgerChain.State state = new LedgerChain.State();
    List<String> lines = new ArrayList<>();
    Instant t = T0;
    for (String[] mv : moves) {
      boolean rollback = mv[0].equals("ROLLBACK");
      String alias = mv[1];
      String from = state.current(alias);
      String to = rollback ? state.stack(alias).get(1).version() : mv[2];
      Map<String, Object> details =
          rollback
              ? Map.of("rolledBack", from, "undoesSeq", state.stack(alias).get(0).seq())
              : Map.of("gate", Map.of("passed", true));
      String line =
          LedgerChain.next(
              state,
              t,
              model,
              alias,
              rollback ? LedgerEntry.Action.ROLLBACK : LedgerEntry.Action.MOVE,
              from,
              to,
              "ci",
              "legacy",
              details);
      LedgerChain.apply("f", lines.size() + 1, model, state, LedgerChain.parse("f", 0, line), line);
      lines.add(line);
      t = t.plusSeconds(60);
    }
    return lines;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DBS)
  void versionsAndTheLedgerAreImportedVerbatimOnce(Backends.Backend backend) throws Exception {
    Path root = tmp.resolve("registry");
    String a = legacyVersion(root, "fraud", "a", T0);
    String b = legacyVersion(root, "fraud", "b", T0.plusSeconds(10));
    String c = legacyVersion(root, "fraud", "c", T0.plusSeconds(20));
    legacyVersion(root, "churn", "z", T0);
    List<String> lines =
        legacyLedger(
            "fraud",
            List.of(
                new String[] {"MOVE", "champion", a},
                new String[] {"MOVE", "challenger", c},
                new String[] {"MOVE", "champion", b},
                new String[] {"ROLLBACK", "champion"}));
    Files.writeString(root.resolve("fraud/ledger.jsonl"), String.join("\n", lines) + "\n");
    Files.writeString(root.resolve("fraud/aliases.json"), "{\"ledgerSeq\": 4}");

    Backends.Env env = backend.create(tmp.resolve("state"));
    JdbcModelRegistry registry = env.registry(Clock.systemUTC());
    assertThat(LegacyRegistryImport.models(root)).containsExactly("churn", "fraud");

    LegacyRegistryImport.Result r = LegacyRegistryImport.run(root, "fraud", registry);

    assertThat(r.versions()).containsExactly(a, b, c);
    assertThat(r.registered()).containsExactly(a, b, c);
    assertThat(r.ledgerEntries()).isEqualTo(4);
    assertThat(r.ledgerWritten()).isEqualTo(4);
    assertThat(registry.versions("fraud"))
        .extracting(ModelVersion::versionId, ModelVersion::registeredAt)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(a, T0),
            org.assertj.core.groups.Tuple.tuple(b, T0.plusSeconds(10)),
            org.assertj.core.groups.Tuple.tuple(c, T0.plusSeconds(20)));
    assertThat(registry.version("fraud", b).orElseThrow().metadata()).containsEntry("run", "r-b");
    assertThat(registry.load("fraud", c).resolve("params.bin")).hasContent("weights-c");
    registry.verifyLedger("fraud");
    List<LedgerEntry> ledger = registry.ledger("fraud");
    assertThat(ledger)
        .extracting(LedgerEntry::hash)
        .containsExactlyElementsOf(
            lines.stream().map(l -> LedgerChain.parse("f", 0, l).hash()).toList());
    assertThat(registry.aliases("fraud"))
        .containsEntry("champion", a)
        .containsEntry("challenger", c);
    // the imported history keeps its rollback semantics: b was rolled back, a has no previous
    assertThat(registry.rollback("fraud", "ops", "x")).isEmpty();
    registry.moveAlias("fraud", "champion", c, "ops", "after import", Map.of());
    assertThat(registry.ledger("fraud").get(4).prevHash()).isEqualTo(Sha256.of(lines.get(3)));

    // again: nothing new; a model whose database ledger differs is refused
    assertThatThrownBy(() -> LegacyRegistryImport.run(root, "fraud", registry))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already has 5 entries");
    LegacyRegistryImport.Result churn = LegacyRegistryImport.run(root, "churn", registry);
    assertThat(churn.registered()).hasSize(1);
    assertThat(churn.ledgerEntries()).isZero();
    assertThat(LegacyRegistryImport.run(root, "churn", registry).registered()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DBS)
  void reImportingTheSameLedgerIsANoOp(Backends.Backend backend) throws Exception {
    Path root = tmp.resolve("registry");
    String a = legacyVersion(root, "fraud", "a", T0);
    List<String> lines =
        legacyLedger("fraud", List.<String[]>of(new String[] {"MOVE", "champion", a}));
    Files.writeString(root.resolve("fraud/ledger.jsonl"), lines.get(0) + "\n");
    JdbcModelRegistry registry = backend.create(tmp.resolve("state")).registry(Clock.systemUTC());
    assertThat(LegacyRegistryImport.run(root, "fraud", registry).ledgerWritten()).isEqualTo(1);
    LegacyRegistryImport.Result again = LegacyRegistryImport.run(root, "fraud", registry);
    assertThat(again.registered()).isEmpty();
    assertThat(again.ledgerWritten()).isZero();
    assertThat(registry.ledger("fraud")).hasSize(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DBS)
  void aTamperedLegacyLedgerOrModelIsRefused(Backends.Backend backend) throws Exception {
    Path root = tmp.resolve("registry");
    String a = legacyVersion(root, "fraud", "a", T0);
    String b = legacyVersion(root, "fraud", "b", T0.plusSeconds(1));
    List<String> lines =
        legacyLedger(
            "fraud",
            List.of(new String[] {"MOVE", "champion", a}, new String[] {"MOVE", "champion", b}));
    Files.writeString(
        root.resolve("fraud/ledger.jsonl"),
        lines.get(0).replace("\"actor\":\"ci\"", "\"actor\":\"mallory\"")
            + "\n"
            + lines.get(1)
            + "\n");
    JdbcModelRegistry registry = backend.create(tmp.resolve("state")).registry(Clock.systemUTC());
    assertThatThrownBy(() -> LegacyRegistryImport.run(root, "fraud", registry))
        .isInstanceOfSatisfying(
            LedgerCorruptedException.class, e -> assertThat(e.lineNumber()).isEqualTo(1))
        .hasMessageContaining("hash mismatch");
    assertThat(registry.ledger("fraud")).isEmpty();

    Files.writeString(root.resolve("fraud/ledger.jsonl"), lines.get(0) + "\n");
    Files.writeString(root.resolve("fraud/aliases.json"), "{\"ledgerSeq\": 2}");
    assertThatThrownBy(() -> LegacyRegistryImport.run(root, "fraud", registry))
        .isInstanceOf(LedgerCorruptedException.class)
        .hasMessageContaining("truncated");

    Path params =
        root.resolve("fraud/versions/" + a.substring("sha256:".length()) + "/model/params.bin");
    TestModels.write(params, "poisoned");
    assertThatThrownBy(() -> LegacyRegistryImport.run(root, "fraud", registry))
        .isInstanceOf(TamperedModelException.class)
        .hasMessageContaining("params.bin");
  }
}
