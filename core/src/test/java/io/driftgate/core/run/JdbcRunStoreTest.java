package io.driftgate.core.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftgate.core.run.RunEvent.Admit;
import io.driftgate.core.run.RunEvent.StepFailed;
import io.driftgate.core.run.RunEvent.Submitted;
import io.driftgate.core.run.RunEvent.TuningSucceeded;
import io.driftgate.core.spec.StateSpec;
import io.driftgate.core.state.StateDatabase;
import io.driftgate.core.testing.ChildJvm;
import io.driftgate.core.testing.MutableClock;
import io.driftgate.core.testing.StateBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link JdbcRunStore} on every state database backend. */
class JdbcRunStoreTest {
  @TempDir Path dir;
  final MutableClock clock = new MutableClock(RunMachineTest.T0);
  final RunMachine machine = new RunMachine(RunPolicy.defaults(), clock);

  RetrainRun richRun() {
    RetrainRun r =
        machine.request(
            "flight-delay/2024-03-01T10:00Z/drift", "flight-delay", RunMachineTest.request());
    r = machine.apply(r, new Admit()).run();
    r = machine.apply(r, new Submitted(RunStep.TUNE, 1, Map.of("tuneJob", "j"))).run();
    clock.advance(Duration.ofMillis(1234));
    r = machine.apply(r, new StepFailed(RunStep.TUNE, 1, "evicted", true)).run();
    return r;
  }

  @Test
  void jsonRoundTripKeepsEveryField() {
    RetrainRun r = richRun();
    RetrainRun tuned =
        machine
            .apply(
                machine.apply(r, new RunEvent.Tick()).run(),
                new Submitted(RunStep.TUNE, 2, Map.of()))
            .run();
    tuned = machine.apply(tuned, new TuningSucceeded(2, Map.of("lr", "0.1"), 5)).run();
    for (RetrainRun x : List.of(r, tuned)) {
      assertThat(RunJson.read(RunJson.write(x))).isEqualTo(x);
    }
    assertThat(RunJson.read(RunJson.write(r)).retryAt()).isNotNull();
    // a run stored before metadata locations existed reads back without one
    String old = RunJson.write(r).replace("\"lakeMetadataLocation\"", "\"ignored\"");
    assertThat(RunJson.read(old).request().lakeMetadataLocation()).isNull();
  }

  @ParameterizedTest
  @EnumSource(StateBackend.class)
  void createDeduplicatesAlsoAcrossRestart(StateBackend backend) {
    StateSpec spec = backend.spec(dir);
    JdbcRunStore store = JdbcRunStore.open(spec);
    RetrainRun r = richRun();
    assertThat(store.create(r)).isTrue();
    assertThat(store.create(machine.request(r.key(), "flight-delay", RunMachineTest.request())))
        .isFalse();
    assertThat(store.get(r.key())).contains(r);

    JdbcRunStore restarted = JdbcRunStore.open(spec);
    assertThat(restarted.create(machine.request(r.key(), "x", RunMachineTest.request()))).isFalse();
    assertThat(restarted.get(r.key())).contains(r);
    assertThat(restarted.list()).containsExactly(r);
    assertThat(count(store.database(), "dg_runs")).isEqualTo(1);
    assertThat(count(store.database(), "dg_processed_keys")).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(StateBackend.class)
  void aProcessedKeyStaysProcessedWhenItsRunIsGone(StateBackend backend) {
    JdbcRunStore store = new JdbcRunStore(backend.open(dir));
    RetrainRun r = machine.request("k", "m", RunMachineTest.request());
    assertThat(store.create(r)).isTrue();
    store.database().execute("DELETE FROM dg_runs");
    assertThat(store.get("k")).isEmpty();
    assertThat(store.create(r)).isFalse();
    assertThat(store.list()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(StateBackend.class)
  void saveGetAndListRoundTripEveryField(StateBackend backend) {
    StateSpec spec = backend.spec(dir);
    JdbcRunStore store = JdbcRunStore.open(spec);
    RetrainRun admitted =
        machine
            .apply(machine.request("k", "flight-delay", RunMachineTest.request()), new Admit())
            .run();
    assertThat(store.create(admitted)).isTrue();
    RetrainRun pinned =
        machine
            .apply(admitted, new RunEvent.LakePinned(1, "99", "/l/metadata/00007.json", "covers"))
            .run();
    store.save(pinned);
    RetrainRun rich = richRun();
    store.create(rich);
    RetrainRun cancelled = machine.apply(rich, new RunEvent.Cancel("test")).run();
    store.save(cancelled);

    JdbcRunStore reopened = JdbcRunStore.open(spec);
    RetrainRun read = reopened.get("k").orElseThrow();
    assertThat(read).isEqualTo(pinned);
    assertThat(read.request().lakeSnapshot()).isEqualTo("99");
    assertThat(read.request().lakeMetadataLocation()).isEqualTo("/l/metadata/00007.json");
    assertThat(reopened.get(rich.key()).orElseThrow()).isEqualTo(cancelled);
    assertThat(reopened.get(rich.key()).orElseThrow().state()).isEqualTo(RunState.CANCELLED);
    // Both created at one instant: by key.
    assertThat(reopened.list()).containsExactly(cancelled, pinned);
    assertThat(reopened.get("zzz")).isEmpty();
    // Every save is a new version of the row; its state column follows the run.
    assertThat(
            store
                .database()
                .<String>transaction(
                    c -> {
                      try (ResultSet rs =
                          c.createStatement()
                              .executeQuery(
                                  "SELECT state, version FROM dg_runs WHERE run_key = 'k'")) {
                        rs.next();
                        return rs.getString(1) + "@" + rs.getLong(2);
                      }
                    }))
        .isEqualTo(pinned.state().name() + "@2");
  }

  @ParameterizedTest
  @EnumSource(StateBackend.class)
  void listIsOldestFirstWithTiesByKey(StateBackend backend) {
    JdbcRunStore store = new JdbcRunStore(backend.open(dir));
    RetrainRun c = machine.request("c", "m", RunMachineTest.request());
    RetrainRun b = machine.request("b", "m", RunMachineTest.request());
    clock.advance(Duration.ofSeconds(1));
    RetrainRun a = machine.request("a", "m", RunMachineTest.request());
    store.create(a);
    store.create(c);
    store.create(b);
    assertThat(store.list()).extracting(RetrainRun::key).containsExactly("b", "c", "a");
  }

  @ParameterizedTest
  @EnumSource(StateBackend.class)
  void aStaleCopyIsNotSavedOverAnotherWritersTransition(StateBackend backend) {
    StateSpec spec = backend.spec(dir);
    JdbcRunStore first = JdbcRunStore.open(spec);
    RetrainRun r = machine.request("k", "m", RunMachineTest.request());
    first.create(r);
    JdbcRunStore second = JdbcRunStore.open(spec); // another launcher
    RetrainRun seen = second.get("k").orElseThrow();
    // The first launcher admits the run ...
    RetrainRun admitted = machine.apply(r, new Admit()).run();
    first.save(admitted);
    // ... and the second, holding the run it read before, cannot overwrite that.
    RetrainRun cancelled = machine.apply(seen, new RunEvent.Cancel("operator")).run();
    assertThatThrownBy(() -> second.save(cancelled))
        .isInstanceOf(StaleRunException.class)
        .hasMessageContaining("run k changed")
        .hasMessageContaining("version 1, now 2")
        .satisfies(e -> assertThat(((StaleRunException) e).key()).isEqualTo("k"));
    assertThat(JdbcRunStore.open(spec).get("k")).contains(admitted);
    // Reading again gives it the current version: its decision on that one is saved.
    RetrainRun fresh = second.get("k").orElseThrow();
    RetrainRun cancelledNow = machine.apply(fresh, new RunEvent.Cancel("operator")).run();
    second.save(cancelledNow);
    assertThat(JdbcRunStore.open(spec).get("k")).contains(cancelledNow);
    // ... and now the first one is the stale writer.
    assertThatThrownBy(() -> first.save(admitted)).isInstanceOf(StaleRunException.class);

    // A store that never read a run does not overwrite it blindly; an unknown run is an error.
    JdbcRunStore blind = JdbcRunStore.open(spec);
    assertThatThrownBy(() -> blind.save(cancelledNow))
        .isInstanceOf(StaleRunException.class)
        .hasMessageContaining("not read through this store");
    assertThatThrownBy(() -> blind.save(machine.request("unknown", "m", RunMachineTest.request())))
        .isInstanceOf(IllegalStateException.class)
        .isNotInstanceOf(StaleRunException.class)
        .hasMessageContaining("no run unknown");
    assertThat(JdbcRunStore.open(spec).get("k")).contains(cancelledNow);
  }

  @ParameterizedTest
  @EnumSource(StateBackend.class)
  void aCorruptRowIsReportedWithItsKey(StateBackend backend) {
    JdbcRunStore store = new JdbcRunStore(backend.open(dir));
    store.create(machine.request("bad", "m", RunMachineTest.request()));
    store.database().execute("UPDATE dg_runs SET body = '{not json' WHERE run_key = 'bad'");
    assertThatThrownBy(() -> store.get("bad"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("run bad")
        .hasMessageContaining("corrupt");
  }

  @ParameterizedTest
  @EnumSource(StateBackend.class)
  void eightThreadsCreatingOneKeyCreateOneRun(StateBackend backend) throws Exception {
    StateSpec spec = backend.spec(dir);
    JdbcRunStore.open(spec); // migrated once, before the race
    int threads = 8;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Boolean>> created = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        String model = "m" + i;
        Callable<Boolean> create =
            () -> {
              JdbcRunStore mine = JdbcRunStore.open(spec); // each its own launcher
              RetrainRun r = machine.request("same-key", model, RunMachineTest.request());
              start.await(30, TimeUnit.SECONDS);
              return mine.create(r);
            };
        created.add(pool.submit(create));
      }
      int trues = 0;
      for (Future<Boolean> f : created) {
        trues += f.get(60, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(trues).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
    JdbcRunStore store = JdbcRunStore.open(spec);
    assertThat(store.list()).singleElement().extracting(RetrainRun::key).isEqualTo("same-key");
    assertThat(count(store.database(), "dg_processed_keys")).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(StateBackend.class)
  void twoProcessesCreatingAndSavingOneRunLoseNoUpdate(StateBackend backend) throws Exception {
    StateSpec spec = backend.spec(dir);
    JdbcRunStore.open(spec);
    int perProcess = 15;
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<Process> processes = new ArrayList<>();
    List<String> actors = List.of("p1", "p2");
    for (String actor : actors) {
      List<String> cmd = new ArrayList<>(List.of(java));
      cmd.addAll(ChildJvm.xxFlags());
      cmd.addAll(
          List.of(
              "-Ddriftgate.barrier=" + dir.resolve("barrier"),
              "-cp",
              System.getProperty("java.class.path"),
              RunStoreProcess.class.getName(),
              spec.url(),
              "shared-run",
              actor,
              Integer.toString(perProcess)));
      spec.properties().forEach((k, v) -> cmd.add(k + "=" + v));
      processes.add(
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve(actor + ".log").toFile())
              .start());
    }
    for (int i = 0; i < processes.size(); i++) {
      Process p = processes.get(i);
      Path log = dir.resolve(actors.get(i) + ".log");
      assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("%s finished", actors.get(i)).isTrue();
      assertThat(p.exitValue()).as(() -> read(log)).isZero();
    }
    List<String> logs = actors.stream().map(a -> read(dir.resolve(a + ".log"))).toList();
    // Exactly one of the two created the run.
    assertThat(logs.stream().filter(l -> l.contains("created=true")).count()).isEqualTo(1);
    assertThat(logs.stream().filter(l -> l.contains("created=false")).count()).isEqualTo(1);

    JdbcRunStore store = JdbcRunStore.open(spec);
    assertThat(store.list()).hasSize(1);
    RetrainRun run = store.get("shared-run").orElseThrow();
    // Every increment of both processes is in the run: none was overwritten by a stale copy.
    for (String actor : actors) {
      for (int i = 0; i < perProcess; i++) {
        assertThat(run.handles()).containsEntry(actor + "-" + i, "done");
      }
    }
    assertThat(run.handles()).hasSize(2 * perProcess);
    long version =
        store
            .database()
            .transaction(
                c -> {
                  try (ResultSet rs =
                      c.createStatement()
                          .executeQuery(
                              "SELECT version FROM dg_runs WHERE run_key = 'shared-run'")) {
                    rs.next();
                    return rs.getLong(1);
                  }
                });
    assertThat(version).isEqualTo(1 + 2L * perProcess);
  }

  static long count(StateDatabase db, String table) {
    return db.transaction(
        c -> {
          try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
          }
        });
  }

  private static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (java.io.IOException e) {
      return "no log " + log;
    }
  }
}
