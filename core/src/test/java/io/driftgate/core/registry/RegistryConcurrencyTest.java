package io.driftgate.core.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Promotions and rollbacks at once, from 8 threads (each with its own registry instance) and from 2
 * processes: the ledger stays a gap-free verified chain and the aliases are its replay.
 */
class RegistryConcurrencyTest {
  private static final String M = "fraud";
  private static final String DBS = "io.driftgate.core.registry.Backends#databases";

  @TempDir Path tmp;

  private static List<String> register(JdbcModelRegistry r, Path tmp, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(
          r.register(M, TestModels.modelDir(tmp, "m" + i, "v" + i, true), Map.of()).versionId());
    }
    return out;
  }

  /**
   * The ledger is verified, seqs are 1..n, and every alias is what replaying its own entries gives
   * (the last entry's target), both from {@link ModelRegistry#aliases} and from the alias table.
   */
  private static void assertConsistent(JdbcModelRegistry registry, int expectedEntries)
      throws Exception {
    registry.verifyLedger(M);
    List<LedgerEntry> ledger = registry.ledger(M);
    assertThat(ledger).hasSize(expectedEntries);
    for (int i = 0; i < ledger.size(); i++) {
      assertThat(ledger.get(i).seq()).isEqualTo(i + 1);
      assertThat(ledger.get(i).prevHash())
          .isEqualTo(i == 0 ? LedgerEntry.GENESIS : Sha256.of(line(registry, i)));
    }
    Map<String, String> lastTargets = new TreeMap<>();
    for (LedgerEntry e : ledger) {
      lastTargets.put(e.alias(), e.toVersion());
    }
    assertThat(registry.aliases(M)).isEqualTo(lastTargets);
    Map<String, String> table = new TreeMap<>();
    try (var c = registry.database().connect();
        var r =
            c.createStatement()
                .executeQuery(
                    "SELECT alias, version_id FROM dg_model_aliases WHERE model = 'fraud'")) {
      while (r.next()) {
        table.put(r.getString(1), r.getString(2));
      }
    }
    assertThat(table).isEqualTo(lastTargets);
  }

  /** The stored line of seq {@code seq}. */
  private static String line(JdbcModelRegistry registry, long seq) throws Exception {
    try (var c = registry.database().connect();
        var ps =
            c.prepareStatement("SELECT line FROM dg_model_ledger WHERE model = ? AND seq = ?")) {
      ps.setString(1, M);
      ps.setLong(2, seq);
      try (var r = ps.executeQuery()) {
        assertThat(r.next()).isTrue();
        return r.getString(1);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DBS)
  void eightThreadsPromotingAndRollingBack(Backends.Backend backend) throws Exception {
    Backends.Env env = backend.create(tmp.resolve("state"));
    JdbcModelRegistry first = env.registry(Clock.systemUTC());
    List<String> versions = register(first, tmp, 4);
    int threads = 8;
    int perThread = 15;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<List<LedgerEntry>>> futures = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        String actor = "t" + t;
        JdbcModelRegistry r = env.registry(Clock.systemUTC(), "cache-" + t);
        Random random = new Random(t);
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  List<LedgerEntry> mine = new ArrayList<>();
                  for (int i = 0; i < perThread; i++) {
                    if (random.nextInt(3) == 0) {
                      r.rollback(M, actor, "rollback " + i).ifPresent(mine::add);
                    } else {
                      String alias = random.nextInt(4) == 0 ? "challenger" : "champion";
                      mine.add(
                          r.moveAlias(
                              M,
                              alias,
                              versions.get(random.nextInt(versions.size())),
                              actor,
                              "move " + i,
                              Map.of("i", i)));
                    }
                  }
                  return mine;
                }));
      }
      start.countDown();
      List<LedgerEntry> returned = new ArrayList<>();
      for (Future<List<LedgerEntry>> f : futures) {
        returned.addAll(f.get(300, TimeUnit.SECONDS));
      }
      assertConsistent(first, returned.size());
      // what each writer was told it wrote is exactly what the ledger holds
      assertThat(first.ledger(M)).containsExactlyInAnyOrderElementsOf(returned);
      assertThat(returned).anyMatch(e -> e.action() == LedgerEntry.Action.ROLLBACK);
    } finally {
      pool.shutdownNow();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DBS)
  void twoProcessesPromotingAndRollingBack(Backends.Backend backend) throws Exception {
    Backends.Env env = backend.create(tmp.resolve("state"));
    JdbcModelRegistry registry = env.registry(Clock.systemUTC());
    List<String> versions = register(registry, tmp, 3);
    int perProcess = 20;
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String user = env.db().spec().properties().getOrDefault("user", "");
    String password = env.db().spec().properties().getOrDefault("password", "");
    List<Process> processes = new ArrayList<>();
    for (String actor : List.of("p1", "p2")) {
      List<String> cmd = new ArrayList<>(List.of(java));
      cmd.addAll(ChildJvm.xxFlags());
      cmd.addAll(
          List.of(
              "-cp",
              System.getProperty("java.class.path"),
              LedgerWriterProcess.class.getName(),
              env.db().spec().url(),
              user,
              password,
              env.store().root(),
              tmp.resolve("cache-" + actor).toString(),
              M,
              actor,
              Integer.toString(perProcess),
              Integer.toString(actor.hashCode())));
      cmd.addAll(versions);
      processes.add(
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(tmp.resolve(actor + ".log").toFile())
              .start());
    }
    int written = 0;
    for (int i = 0; i < processes.size(); i++) {
      Process p = processes.get(i);
      Path log = tmp.resolve("p" + (i + 1) + ".log");
      assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
      String out = Files.readString(log);
      assertThat(p.exitValue()).as(out).isZero();
      written +=
          Integer.parseInt(
              out.lines()
                  .filter(l -> l.startsWith("written "))
                  .findFirst()
                  .orElseThrow()
                  .substring(8));
    }
    assertConsistent(registry, written);
    List<LedgerEntry> ledger = registry.ledger(M);
    assertThat(ledger).extracting(LedgerEntry::actor).contains("p1", "p2");
  }
}
