package io.driftgate.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftgate.core.state.ArtifactStore;
import io.driftgate.core.state.StateStoreException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Alias moves, rollback semantics and the ledger's hash chain, on every database (the tamper tests
 * act as an administrator who lifts the append-only triggers).
 */
class PromotionLedgerTest {

  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
  private static final String M = "fraud";
  private static final String DBS = "io.driftgate.core.registry.Backends#databases";
  private static final String ALL = "io.driftgate.core.registry.Backends#all";

  @TempDir Path tmp;
  private TestModels.TickingClock clock;
  private Backends.Env env;
  private JdbcModelRegistry registry;
  private String a;
  private String b;
  private String c;
  private String d;

  private void open(Backends.Backend backend) {
    clock = new TestModels.TickingClock(T0);
    env = backend.create(tmp.resolve("state"));
    registry = env.registry(clock);
    a = registry.register(M, TestModels.modelDir(tmp, "a", "a", true), Map.of()).versionId();
    b = registry.register(M, TestModels.modelDir(tmp, "b", "b", true), Map.of()).versionId();
    c = registry.register(M, TestModels.modelDir(tmp, "c", "c", true), Map.of()).versionId();
    d = registry.register(M, TestModels.modelDir(tmp, "d", "d", true), Map.of()).versionId();
  }

  private LedgerEntry promote(String version) {
    return registry.moveAlias(M, "champion", version, "ci", "gate passed", Map.of());
  }

  /** The ledger's stored lines, in seq order. */
  private List<String> lines() throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection conn = env.db().connect();
        PreparedStatement ps =
            conn.prepareStatement(
                "SELECT line FROM dg_model_ledger WHERE model = ? ORDER BY seq")) {
      ps.setString(1, M);
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          out.add(r.getString(1));
        }
      }
    }
    return out;
  }

  private void sql(String statement, Object... params) throws Exception {
    try (Connection conn = env.db().connect();
        PreparedStatement ps = conn.prepareStatement(statement)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      ps.executeUpdate();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DBS)
  void aliasMovesAreRecordedWithAllFields(Backends.Backend backend) throws Exception {
    open(backend);
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
    // The queryable columns say what the lines say.
    try (Connection conn = env.db().connect();
        ResultSet r =
            conn.createStatement()
                .executeQuery(
                    "SELECT seq, alias, action, from_version, to_version, actor, time_ms"
                        + " FROM dg_model_ledger ORDER BY seq")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getString(2)).isEqualTo("champion");
      assertThat(r.getString(3)).isEqualTo("MOVE");
      assertThat(r.getString(4)).isNull();
      assertThat(r.getString(5)).isEqualTo(a);
      assertThat(r.getString(6)).isEqualTo("alice");
      assertThat(r.getLong(7)).isEqualTo(expectedTime.toEpochMilli());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DBS)
  void aliasesAreIndependent(Backends.Backend backend) {
    open(backend);
    promote(a);
    registry.moveAlias(M, "challenger", c, "ci", "shadow", Map.of());
    promote(b);

    assertThat(registry.aliases(M))
        .containsExactly(Map.entry("challenger", c), Map.entry("champion", b));
    assertThat(registry.rollback(M, "ops", "bad")).map(LedgerEntry::toVersion).contains(a);
    assertThat(registry.aliases(M)).containsEntry("challenger", c).containsEntry("champion", a);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(ALL)
  void moveToUnknownOrTamperedVersionIsRefusedAndWritesNothing(Backends.Backend backend)
      throws Exception {
    open(backend);
    promote(a);
    assertThatThrownBy(() -> promote("sha256:0123456789abcdef"))
        .isInstanceOf(NoSuchElementException.class);
    env.overwrite(
        ArtifactStore.blobKey(Sha256.of("weights-b")), "poisoned".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> promote(b)).isInstanceOf(TamperedModelException.class);
    assertThatThrownBy(() -> registry.moveAlias(M, "Champion!", a, "ci", "x", Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> registry.moveAlias(M, "champion", a, " ", "x", Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(lines()).hasSize(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DBS)
  void rollbackWalksBackThroughPreviousChampions(Backends.Backend backend) throws Exception {
    open(backend);
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

    List<String> before = lines();
    assertThat(registry.rollback(M, "oncall", "again")).isEmpty();
    assertThat(lines()).isEqualTo(before);
    assertThat(registry.alias(M, "champion")).map(ModelVersion::versionId).contains(a);
    registry.verifyLedger(M);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DBS)
  void rollbackWithoutPreviousChampionWritesNothing(Backends.Backend backend) throws Exception {
    open(backend);
    assertThat(registry.rollback(M, "ops", "nothing yet")).isEmpty();
    assertThat(lines()).isEmpty();
    assertThat(registry.rollback("never-registered", "ops", "x")).isEmpty();

    promote(a);
    promote(a); // a no-op move is recorded but is not a previous champion
    assertThat(registry.rollback(M, "ops", "only one champion")).isEmpty();
    assertThat(lines()).hasSize(2);
    assertThat(registry.alias(M, "champion")).map(ModelVersion::versionId).contains(a);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DBS)
  void rolledBackVersionOnlyReturnsByExplicitPromotion(Backends.Backend backend) {
    open(backend);
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

  @ParameterizedTest(name = "{0}")
  @MethodSource(ALL)
  void rollbackRefusesATamperedTarget(Backends.Backend backend) throws Exception {
    open(backend);
    promote(a);
    promote(b);
    // the loaded copy of a changes on this machine
    TestModels.write(registry.version(M, a).orElseThrow().path().resolve("metrics.json"), "{}");
    assertThatThrownBy(() -> registry.rollback(M, "ops", "x"))
        .isInstanceOf(TamperedModelException.class)
        .hasMessageContaining("metrics.json");
    // and in the store, as another machine (its own cache) sees it
    env.overwrite(
        ArtifactStore.blobKey(Sha256.of("weights-a")), "evil".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> env.registry(clock, "other").rollback(M, "ops", "x"))
        .isInstanceOf(TamperedModelException.class)
        .hasMessageContaining("params.bin");
    assertThat(lines()).hasSize(2);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DBS)
  void theDatabaseRefusesToChangeOrRemoveLedgerRows(Backends.Backend backend) throws Exception {
    open(backend);
    promote(a);
    promote(b);
    assertThatThrownBy(() -> sql("UPDATE dg_model_ledger SET actor = 'mallory' WHERE seq = 1"))
        .hasMessageContaining("append-only");
    assertThatThrownBy(() -> sql("DELETE FROM dg_model_ledger WHERE seq = 2"))
        .hasMessageContaining("append-only");
    assertThatThrownBy(() -> sql("UPDATE dg_model_versions SET content_hash = 'x'"))
        .hasMessageContaining("dg_model_versions");
    assertThatThrownBy(() -> sql("DELETE FROM dg_model_objects"))
        .hasMessageContaining("dg_model_objects");
    assertThat(lines()).hasSize(2);
    registry.verifyLedger(M);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DBS)
  void editedLineIsDetected(Backends.Backend backend) throws Exception {
    open(backend);
    promote(a);
    promote(b);
    promote(c);
    backend.db().dropLedgerGuards(env.db());
    String line = lines().get(1);
    sql(
        "UPDATE dg_model_ledger SET line = ? WHERE model = ? AND seq = 2",
        line.replace("\"actor\":\"ci\"", "\"actor\":\"mallory\""),
        M);

    assertThatThrownBy(() -> registry.verifyLedger(M))
        .isInstanceOfSatisfying(
            LedgerCorruptedException.class, e -> assertThat(e.lineNumber()).isEqualTo(2))
        .hasMessageContaining("hash mismatch");
    assertThatThrownBy(() -> registry.ledger(M)).isInstanceOf(LedgerCorruptedException.class);
    assertThatThrownBy(() -> registry.aliases(M)).isInstanceOf(LedgerCorruptedException.class);
    assertThatThrownBy(() -> promote(d)).isInstanceOf(LedgerCorruptedException.class);
    assertThatThrownBy(() -> registry.rollback(M, "ops", "x"))
        .isInstanceOf(LedgerCorruptedException.class);
    assertThat(lines()).hasSize(3);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DBS)
  void editedColumnIsDetected(Backends.Backend backend) throws Exception {
    open(backend);
    promote(a);
    promote(b);
    backend.db().dropLedgerGuards(env.db());
    sql("UPDATE dg_model_ledger SET to_version = ? WHERE model = ? AND seq = 2", c, M);

    assertThatThrownBy(() -> registry.verifyLedger(M))
        .isInstanceOfSatisfying(
            LedgerCorruptedException.class, e -> assertThat(e.lineNumber()).isEqualTo(2))
        .hasMessageContaining("to_version");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DBS)
  void editedLineWithRecomputedOwnHashBreaksTheChain(Backends.Backend backend) throws Exception {
    open(backend);
    promote(a);
    promote(b);
    promote(c);
    backend.db().dropLedgerGuards(env.db());
    String edited = lines().get(1).replace("gate passed", "forced");
    int idx = edited.lastIndexOf(",\"hash\":\"");
    String body = edited.substring(0, idx) + "}";
    String hash = Sha256.of(body);
    sql(
        "UPDATE dg_model_ledger SET line = ?, hash = ? WHERE model = ? AND seq = 2",
        edited.substring(0, idx) + ",\"hash\":\"" + hash + "\"}",
        hash,
        M);

    assertThatThrownBy(() -> registry.verifyLedger(M))
        .isInstanceOfSatisfying(
            LedgerCorruptedException.class, e -> assertThat(e.lineNumber()).isEqualTo(3))
        .hasMessageContaining("hash chain broken");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DBS)
  void removedTruncatedOrForgedRowsAreDetected(Backends.Backend backend) throws Exception {
    open(backend);
    promote(a);
    promote(b);
    promote(c);
    backend.db().dropLedgerGuards(env.db());
    List<Row> original = rows();

    sql("DELETE FROM dg_model_ledger WHERE model = ? AND seq = 2", M);
    assertThatThrownBy(() -> registry.verifyLedger(M))
        .isInstanceOf(LedgerCorruptedException.class)
        .hasMessageContaining("seq 3 where 2 was expected");

    sql("DELETE FROM dg_model_ledger WHERE model = ? AND seq = 3", M);
    insert(original.get(1));
    assertThatThrownBy(() -> registry.verifyLedger(M))
        .isInstanceOfSatisfying(
            LedgerCorruptedException.class, e -> assertThat(e.lineNumber()).isEqualTo(3))
        .hasMessageContaining("entries removed");

    // a forged, correctly chained entry (the chain has no secret) that moves champion back to a:
    // the alias table, written in the registry's own transactions, does not agree
    LedgerChain.State state = new LedgerChain.State();
    for (String line : lines()) {
      LedgerChain.apply("t", 0, M, state, LedgerChain.parse("t", 0, line), line);
    }
    String forged =
        LedgerChain.next(
            state,
            clock.peek(),
            M,
            "champion",
            LedgerEntry.Action.MOVE,
            b,
            d,
            "mallory",
            "forged",
            Map.of());
    LedgerEntry f = LedgerChain.parse("t", 3, forged);
    insert(
        new Row(
            3,
            f.time().toEpochMilli(),
            "champion",
            "MOVE",
            b,
            d,
            "mallory",
            forged,
            f.prevHash(),
            f.hash()));
    assertThatThrownBy(() -> registry.verifyLedger(M))
        .isInstanceOf(LedgerCorruptedException.class)
        .hasMessageContaining("disagrees with the ledger's replay");
    assertThatThrownBy(() -> registry.alias(M, "champion"))
        .isInstanceOf(LedgerCorruptedException.class);

    // a garbage row
    sql("DELETE FROM dg_model_ledger WHERE model = ? AND seq = 3", M);
    insert(new Row(3, 0, "champion", "MOVE", b, c, "x", "{\"seq\":3,\"ti", "0", "0"));
    assertThatThrownBy(() -> registry.verifyLedger(M))
        .isInstanceOfSatisfying(
            LedgerCorruptedException.class, e -> assertThat(e.lineNumber()).isEqualTo(3));

    // the original rows back: intact again
    sql("DELETE FROM dg_model_ledger WHERE model = ? AND seq = 3", M);
    insert(original.get(2));
    registry.verifyLedger(M);
    assertThat(registry.alias(M, "champion")).map(ModelVersion::versionId).contains(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DBS)
  void anAliasChangedBehindTheLedgersBackIsDetected(Backends.Backend backend) throws Exception {
    open(backend);
    promote(a);
    promote(b);
    registry.moveAlias(M, "challenger", c, "ci", "shadow", Map.of());
    sql("UPDATE dg_model_aliases SET version_id = ? WHERE model = ? AND alias = 'champion'", a, M);

    assertThatThrownBy(() -> registry.alias(M, "champion"))
        .isInstanceOf(LedgerCorruptedException.class)
        .hasMessageContaining("dg_model_aliases")
        .hasMessageContaining("champion=" + a);
    assertThatThrownBy(() -> promote(d)).isInstanceOf(LedgerCorruptedException.class);

    sql("UPDATE dg_model_aliases SET version_id = ? WHERE model = ? AND alias = 'champion'", b, M);
    assertThat(registry.aliases(M)).containsEntry("champion", b).containsEntry("challenger", c);
    sql("DELETE FROM dg_model_aliases WHERE model = ? AND alias = 'challenger'", M);
    assertThatThrownBy(() -> registry.verifyLedger(M)).isInstanceOf(LedgerCorruptedException.class);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DBS)
  void injectableClockGivesDeterministicTimes(Backends.Backend backend) {
    open(backend);
    Instant t = clock.peek();
    promote(a);
    promote(b);
    registry.rollback(M, "ops", "x");
    assertThat(registry.ledger(M))
        .extracting(LedgerEntry::time)
        .containsExactly(t, t.plusSeconds(1), t.plusSeconds(2));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DBS)
  void detailsThatAreNotJsonAreRefused(Backends.Backend backend) throws Exception {
    open(backend);
    assertThatThrownBy(
            () -> registry.moveAlias(M, "champion", a, "ci", "x", Map.of("bad", new Object())))
        .isInstanceOfAny(IllegalArgumentException.class, StateStoreException.class)
        .hasMessageContaining("not JSON-serializable");
    assertThat(lines()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DBS)
  void concurrentMovesFromTwoRegistriesKeepAGapFreeChain(Backends.Backend backend)
      throws Exception {
    open(backend);
    // two registry instances on one database, as two services would have
    JdbcModelRegistry other = env.registry(clock, "cache-other");
    int perThread = 25;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (JdbcModelRegistry r : List.of(registry, other)) {
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
        f.get(120, TimeUnit.SECONDS);
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

  /** A ledger row as stored. */
  private record Row(
      long seq,
      long timeMs,
      String alias,
      String action,
      String from,
      String to,
      String actor,
      String line,
      String prevHash,
      String hash) {}

  private List<Row> rows() throws Exception {
    List<Row> out = new ArrayList<>();
    try (Connection conn = env.db().connect();
        PreparedStatement ps =
            conn.prepareStatement(
                "SELECT seq, time_ms, alias, action, from_version, to_version, actor, line,"
                    + " prev_hash, hash FROM dg_model_ledger WHERE model = ? ORDER BY seq")) {
      ps.setString(1, M);
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          out.add(
              new Row(
                  r.getLong(1),
                  r.getLong(2),
                  r.getString(3),
                  r.getString(4),
                  r.getString(5),
                  r.getString(6),
                  r.getString(7),
                  r.getString(8),
                  r.getString(9),
                  r.getString(10)));
        }
      }
    }
    return out;
  }

  private void insert(Row row) throws Exception {
    sql(
        "INSERT INTO dg_model_ledger(model, seq, time_ms, alias, action, from_version,"
            + " to_version, actor, line, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        M,
        row.seq(),
        row.timeMs(),
        row.alias(),
        row.action(),
        row.from(),
        row.to(),
        row.actor(),
        row.line(),
        row.prevHash(),
        row.hash());
  }
}
