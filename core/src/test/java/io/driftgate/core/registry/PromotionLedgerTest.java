package io.driftgate.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromotionLedgerTest {

  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
  private static final String M = "fraud";

  @TempDir Path tmp;
  private TestModels.TickingClock clock;
  private FileSystemModelRegistry registry;
  private String a;
  private String b;
  private String c;
  private String d;

  @BeforeEach
  void setUp() {
    clock = new TestModels.TickingClock(T0);
    registry = new FileSystemModelRegistry(tmp.resolve("registry"), clock);
    a = registry.register(M, TestModels.modelDir(tmp, "a", "a", true), Map.of()).versionId();
    b = registry.register(M, TestModels.modelDir(tmp, "b", "b", true), Map.of()).versionId();
    c = registry.register(M, TestModels.modelDir(tmp, "c", "c", true), Map.of()).versionId();
    d = registry.register(M, TestModels.modelDir(tmp, "d", "d", true), Map.of()).versionId();
  }

  private LedgerEntry promote(String version) {
    return registry.moveAlias(M, "champion", version, "ci", "gate passed", Map.of());
  }

  private List<String> lines() throws Exception {
    return Files.readAllLines(registry.ledgerFile(M), StandardCharsets.UTF_8);
  }

  private void writeLines(List<String> lines) throws Exception {
    Files.writeString(registry.ledgerFile(M), String.join("\n", lines) + "\n");
  }

  @Test
  void aliasMovesAreRecordedWithAllFields() throws Exception {
    Map<String, Object> details =
        Map.of(
            "gate", Map.of("passed", true, "shapDrift", 0.12),
            "dataRange", Map.of("from", "2024-04-01", "to", "2024-04-30"),
            "offsets", List.of(Map.of("partition", 0, "from", 100, "to", 2000)),
            "metrics", Map.of("auc", 0.93));
    Instant expectedTime = clock.peek();

    LedgerEntry first = registry.moveAlias(M, "champion", a, "alice", "initial promotion", details);

    assertThat(first.seq()).isEqualTo(1);
    assertThat(first.time()).isEqualTo(expectedTime);
    assertThat(first.model()).isEqualTo(M);
    assertThat(first.alias()).isEqualTo("champion");
    assertThat(first.action()).isEqualTo(LedgerEntry.Action.MOVE);
    assertThat(first.fromVersion()).isNull();
    assertThat(first.toVersion()).isEqualTo(a);
    assertThat(first.actor()).isEqualTo("alice");
    assertThat(first.reason()).isEqualTo("initial promotion");
    assertThat(first.details()).isEqualTo(details);
    assertThat(first.prevHash()).isEqualTo(LedgerEntry.GENESIS);
    assertThat(first.hash()).matches("[0-9a-f]{64}");

    LedgerEntry second = registry.moveAlias(M, "champion", b, "bob", "retrained", null);

    assertThat(second.seq()).isEqualTo(2);
    assertThat(second.time()).isAfter(first.time());
    assertThat(second.fromVersion()).isEqualTo(a);
    assertThat(second.toVersion()).isEqualTo(b);
    assertThat(second.details()).isEmpty();
    List<String> lines = lines();
    assertThat(lines).hasSize(2);
    assertThat(second.prevHash()).isEqualTo(Sha256.of(lines.get(0)));
    assertThat(lines.get(0)).contains("\"actor\":\"alice\"", "\"time\":\"" + expectedTime + "\"");
    assertThat(registry.ledger(M)).containsExactly(first, second);
    assertThat(registry.alias(M, "champion")).map(ModelVersion::versionId).contains(b);
    assertThat(registry.alias(M, "challenger")).isEmpty();
  }

  @Test
  void aliasesAreIndependent() {
    promote(a);
    registry.moveAlias(M, "challenger", c, "ci", "shadow", Map.of());
    promote(b);

    assertThat(registry.aliases(M))
        .containsExactly(Map.entry("challenger", c), Map.entry("champion", b));
    assertThat(registry.rollback(M, "ops", "bad")).map(LedgerEntry::toVersion).contains(a);
    assertThat(registry.aliases(M)).containsEntry("challenger", c).containsEntry("champion", a);
  }

  @Test
  void moveToUnknownOrTamperedVersionIsRefusedAndWritesNothing() throws Exception {
    promote(a);
    assertThatThrownBy(() -> promote("sha256:0123456789abcdef"))
        .isInstanceOf(NoSuchElementException.class);
    Path params = registry.version(M, b).orElseThrow().path().resolve("params.bin");
    TestModels.write(params, "poisoned");
    assertThatThrownBy(() -> promote(b)).isInstanceOf(TamperedModelException.class);
    assertThatThrownBy(() -> registry.moveAlias(M, "Champion!", a, "ci", "x", Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> registry.moveAlias(M, "champion", a, " ", "x", Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(lines()).hasSize(1);
  }

  @Test
  void rollbackWalksBackThroughPreviousChampions() throws Exception {
    promote(a);
    promote(b);
    LedgerEntry toC = promote(c);

    LedgerEntry r1 = registry.rollback(M, "oncall", "latency regression").orElseThrow();

    assertThat(r1.action()).isEqualTo(LedgerEntry.Action.ROLLBACK);
    assertThat(r1.seq()).isEqualTo(4);
    assertThat(r1.fromVersion()).isEqualTo(c);
    assertThat(r1.toVersion()).isEqualTo(b);
    assertThat(r1.actor()).isEqualTo("oncall");
    assertThat(r1.reason()).isEqualTo("latency regression");
    assertThat(r1.details())
        .containsEntry("rolledBack", c)
        .containsEntry("undoesSeq", (int) toC.seq());
    assertThat(registry.alias(M, "champion")).map(ModelVersion::versionId).contains(b);

    LedgerEntry r2 = registry.rollback(M, "oncall", "still bad").orElseThrow();
    assertThat(r2.fromVersion()).isEqualTo(b);
    assertThat(r2.toVersion()).as("goes further back, never back to c").isEqualTo(a);
    assertThat(registry.alias(M, "champion")).map(ModelVersion::versionId).contains(a);

    byte[] before = Files.readAllBytes(registry.ledgerFile(M));
    assertThat(registry.rollback(M, "oncall", "again")).isEmpty();
    assertThat(Files.readAllBytes(registry.ledgerFile(M))).isEqualTo(before);
    assertThat(registry.alias(M, "champion")).map(ModelVersion::versionId).contains(a);
    registry.verifyLedger(M);
  }

  @Test
  void rollbackWithoutPreviousChampionWritesNothing() throws Exception {
    assertThat(registry.rollback(M, "ops", "nothing yet")).isEmpty();
    assertThat(Files.exists(registry.ledgerFile(M))).isFalse();
    assertThat(registry.rollback("never-registered", "ops", "x")).isEmpty();

    promote(a);
    promote(a); // a no-op move is recorded but is not a previous champion
    assertThat(registry.rollback(M, "ops", "only one champion")).isEmpty();
    assertThat(lines()).hasSize(2);
    assertThat(registry.alias(M, "champion")).map(ModelVersion::versionId).contains(a);
  }

  @Test
  void rolledBackVersionOnlyReturnsByExplicitPromotion() {
    promote(a);
    promote(b);
    promote(c);
    assertThat(registry.rollback(M, "ops", "bad c")).map(LedgerEntry::toVersion).contains(b);
    promote(d);
    assertThat(registry.rollback(M, "ops", "bad d")).map(LedgerEntry::toVersion).contains(b);
    assertThat(registry.rollback(M, "ops", "bad b")).map(LedgerEntry::toVersion).contains(a);
    promote(c); // explicit re-promotion of the once rolled-back version is allowed
    assertThat(registry.alias(M, "champion")).map(ModelVersion::versionId).contains(c);
    assertThat(registry.ledger(M))
        .extracting(LedgerEntry::seq)
        .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
  }

  @Test
  void rollbackRefusesATamperedTarget() throws Exception {
    promote(a);
    promote(b);
    TestModels.write(registry.version(M, a).orElseThrow().path().resolve("metrics.json"), "{}");
    assertThatThrownBy(() -> registry.rollback(M, "ops", "x"))
        .isInstanceOf(TamperedModelException.class)
        .hasMessageContaining("metrics.json");
    assertThat(lines()).hasSize(2);
  }

  @Test
  void editedLineIsDetected() throws Exception {
    promote(a);
    promote(b);
    promote(c);
    List<String> lines = new ArrayList<>(lines());
    lines.set(1, lines.get(1).replace("\"actor\":\"ci\"", "\"actor\":\"mallory\""));
    writeLines(lines);

    assertThatThrownBy(() -> registry.verifyLedger(M))
        .isInstanceOfSatisfying(
            LedgerCorruptedException.class, e -> assertThat(e.lineNumber()).isEqualTo(2))
        .hasMessageContaining("hash mismatch");
    assertThatThrownBy(() -> registry.ledger(M)).isInstanceOf(LedgerCorruptedException.class);
    assertThatThrownBy(() -> promote(d)).isInstanceOf(LedgerCorruptedException.class);
    assertThatThrownBy(() -> registry.rollback(M, "ops", "x"))
        .isInstanceOf(LedgerCorruptedException.class);
  }

  @Test
  void editedLineWithRecomputedOwnHashBreaksTheChain() throws Exception {
    promote(a);
    promote(b);
    promote(c);
    List<String> lines = new ArrayList<>(lines());
    String edited = lines.get(1).replace("gate passed", "forced");
    int idx = edited.lastIndexOf(",\"hash\":\"");
    String body = edited.substring(0, idx) + "}";
    lines.set(1, edited.substring(0, idx) + ",\"hash\":\"" + Sha256.of(body) + "\"}");
    writeLines(lines);

    assertThatThrownBy(() -> registry.verifyLedger(M))
        .isInstanceOfSatisfying(
            LedgerCorruptedException.class, e -> assertThat(e.lineNumber()).isEqualTo(3))
        .hasMessageContaining("hash chain broken");
  }

  @Test
  void removedOrTruncatedOrTornLinesAreDetected() throws Exception {
    promote(a);
    promote(b);
    promote(c);
    List<String> original = lines();

    writeLines(List.of(original.get(0), original.get(2)));
    assertThatThrownBy(() -> registry.verifyLedger(M))
        .isInstanceOf(LedgerCorruptedException.class)
        .hasMessageContaining("seq 3 where 2 was expected");

    writeLines(original.subList(0, 2));
    assertThatThrownBy(() -> registry.verifyLedger(M))
        .isInstanceOf(LedgerCorruptedException.class)
        .hasMessageContaining("truncated");

    Files.writeString(
        registry.ledgerFile(M), String.join("\n", original) + "\n" + "{\"seq\":4,\"ti");
    assertThatThrownBy(() -> registry.verifyLedger(M))
        .isInstanceOfSatisfying(
            LedgerCorruptedException.class, e -> assertThat(e.lineNumber()).isEqualTo(4));

    writeLines(original);
    registry.verifyLedger(M);
  }

  @Test
  void aliasesAreRecomputedFromTheLedger() throws Exception {
    promote(a);
    promote(b);
    registry.moveAlias(M, "challenger", c, "ci", "shadow", Map.of());
    Path aliases = registry.aliasesFile(M);
    assertThat(Files.readString(aliases)).contains("\"champion\" : \"" + b + "\"");

    Files.writeString(aliases, Files.readString(aliases).replace(b, a));
    assertThat(registry.alias(M, "champion")).map(ModelVersion::versionId).contains(b);

    Files.delete(aliases);
    assertThat(registry.aliases(M)).containsEntry("champion", b).containsEntry("challenger", c);
    assertThat(registry.rebuildAliases(M)).containsEntry("champion", b);
    assertThat(Files.readString(aliases))
        .contains(
            "\"champion\" : \"" + b + "\"", "\"challenger\" : \"" + c + "\"", "\"ledgerSeq\" : 3");

    Files.writeString(aliases, "not json");
    assertThat(registry.alias(M, "challenger")).map(ModelVersion::versionId).contains(c);
  }

  @Test
  void injectableClockGivesDeterministicTimes() {
    Instant t = clock.peek();
    promote(a);
    promote(b);
    registry.rollback(M, "ops", "x");
    assertThat(registry.ledger(M))
        .extracting(LedgerEntry::time)
        .containsExactly(t, t.plusSeconds(1), t.plusSeconds(2));
  }

  @Test
  void concurrentMovesFromTwoThreadsKeepAGapFreeChain() throws Exception {
    // two registry instances on one root, as two services would have
    FileSystemModelRegistry other = new FileSystemModelRegistry(registry.root(), clock);
    int perThread = 25;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (FileSystemModelRegistry r : List.of(registry, other)) {
        String alias = r == registry ? "champion" : "challenger";
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perThread; i++) {
                    String v = List.of(a, b, c).get(i % 3);
                    r.moveAlias(
                        M, i % 2 == 0 ? "champion" : alias, v, alias, "move " + i, Map.of("i", i));
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    registry.verifyLedger(M);
    List<LedgerEntry> ledger = registry.ledger(M);
    assertThat(ledger).hasSize(2 * perThread);
    for (int i = 0; i < ledger.size(); i++) {
      assertThat(ledger.get(i).seq()).isEqualTo(i + 1);
    }
    assertThat(ledger).extracting(LedgerEntry::actor).containsOnly("champion", "challenger");
    assertThat(lines()).hasSize(2 * perThread);
    Optional<ModelVersion> champion = registry.alias(M, "champion");
    String lastChampionMove =
        ledger.stream()
            .filter(e -> e.alias().equals("champion"))
            .reduce((x, y) -> y)
            .orElseThrow()
            .toVersion();
    assertThat(champion).map(ModelVersion::versionId).contains(lastChampionMove);
  }
}
