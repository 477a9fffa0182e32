package io.driftgate.core.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftgate.core.run.RunEvent.Admit;
import io.driftgate.core.run.RunEvent.StepFailed;
import io.driftgate.core.run.RunEvent.Submitted;
import io.driftgate.core.run.RunEvent.TuningSucceeded;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileRunStoreTest {
  @TempDir Path dir;
  final TestClock clock = new TestClock(RunMachineTest.T0);
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
  }

  @Test
  void pinnedLakeSnapshotSurvivesARestart() {
    FileRunStore store = new FileRunStore(dir);
    RetrainRun admitted =
        machine
            .apply(machine.request("k", "flight-delay", RunMachineTest.request()), new Admit())
            .run();
    store.create(admitted);
    RetrainRun pinned =
        machine
            .apply(admitted, new RunEvent.LakePinned(1, "99", "/l/metadata/00007.json", "covers"))
            .run();
    store.save(pinned);
    RetrainRun read = new FileRunStore(dir).get("k").orElseThrow();
    assertThat(read).isEqualTo(pinned);
    assertThat(read.request().lakeSnapshot()).isEqualTo("99");
    assertThat(read.request().lakeMetadataLocation()).isEqualTo("/l/metadata/00007.json");
    // a run stored before metadata locations existed reads back without one
    String old = RunJson.write(admitted).replace("\"lakeMetadataLocation\"", "\"ignored\"");
    assertThat(RunJson.read(old).request().lakeMetadataLocation()).isNull();
  }

  @Test
  void createDeduplicatesAlsoAcrossRestart() {
    FileRunStore store = new FileRunStore(dir);
    RetrainRun r = richRun();
    assertThat(store.create(r)).isTrue();
    assertThat(store.create(machine.request(r.key(), "flight-delay", RunMachineTest.request())))
        .isFalse();
    assertThat(store.get(r.key())).contains(r);

    FileRunStore restarted = new FileRunStore(dir);
    assertThat(restarted.create(machine.request(r.key(), "x", RunMachineTest.request()))).isFalse();
    assertThat(restarted.get(r.key())).contains(r);
    assertThat(restarted.list()).containsExactly(r);
  }

  @Test
  void saveReplacesAtomicallyAndLeavesNoTempFiles() throws Exception {
    FileRunStore store = new FileRunStore(dir);
    RetrainRun r = richRun();
    store.create(r);
    RetrainRun cancelled = machine.apply(r, new RunEvent.Cancel("test")).run();
    store.save(cancelled);
    assertThat(new FileRunStore(dir).get(r.key()).orElseThrow().state())
        .isEqualTo(RunState.CANCELLED);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .singleElement()
          .satisfies(
              n ->
                  assertThat(n)
                      .startsWith("flight-delay-2024-03-01t10-00z-drift-")
                      .endsWith(".json"));
    }
  }

  @Test
  void keysThatDifferOnlyInOddCharactersGetDifferentFiles() {
    FileRunStore store = new FileRunStore(dir);
    assertThat(store.file("a/b")).isNotEqualTo(store.file("a:b"));
    assertThat(store.file("x".repeat(500)).getFileName().toString().length()).isLessThan(100);
  }

  @Test
  void listIsOldestFirst() {
    FileRunStore store = new FileRunStore(dir);
    RetrainRun b = machine.request("b", "m", RunMachineTest.request());
    clock.advance(Duration.ofSeconds(1));
    RetrainRun a = machine.request("a", "m", RunMachineTest.request());
    store.create(a);
    store.create(b);
    assertThat(store.list()).extracting(RetrainRun::key).containsExactly("b", "a");
    assertThat(store.get("zzz")).isEmpty();
  }

  @Test
  void corruptFileIsReportedWithItsPath() throws Exception {
    FileRunStore store = new FileRunStore(dir);
    Files.writeString(store.file("bad"), "{not json");
    assertThatThrownBy(() -> store.get("bad"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(store.file("bad").toString())
        .hasMessageContaining("corrupt");
  }
}
