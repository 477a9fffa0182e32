package io.driftgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.fault.Faults;
import io.driftgate.core.registry.JdbcModelRegistry;
import io.driftgate.core.run.JdbcRunStore;
import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunState;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.testkit.kafka.EmbeddedKafka;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher process dies as a kill -9 would ({@code Runtime.halt}, no shutdown hooks) after the
 * challenger's objects are in the artifact store and before the registry's rows commit. Nothing is
 * half-registered: no version is listed, the run is still in flight in the state database. A
 * restarted launcher resumes the run, registers the same content-addressed objects and promotes
 * once; the ledger verifies and {@code models gc} finds nothing to remove.
 */
class LauncherCrashIT extends ConsoleCapture {
  private static final String MODEL = "flight-delay";

  @TempDir Path work;

  @Test
  void aLauncherKilledBetweenArtifactsAndTheRegistryCommitResumesAndRegistersOnce()
      throws Exception {
    Path lake = TinyLake.write(work.resolve("lake"), 17, 5000);
    Path spec = Files.writeString(work.resolve("driftgate.yaml"), TinyLake.specFor(lake));
    ModelSpec model = SpecLoader.load(spec);
    Path registryDir = work.resolve("registry");
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      String bs = kafka.bootstrapServers();
      kafka.createTopicsFor(model, 1);
      assertThat(
              Main.execute(
                  "request",
                  "--spec",
                  spec.toString(),
                  "--bootstrap-servers",
                  bs,
                  "--reason",
                  "commit",
                  "--id",
                  "c0ffee1"))
          .as(stderr())
          .isZero();
      List<String> launcher =
          List.of(
              "launcher",
              "--once",
              "--leader-election",
              "none",
              "--spec",
              spec.toString(),
              "--bootstrap-servers",
              bs,
              "--registry",
              registryDir.toString(),
              "--studies-dir",
              work.resolve("studies").toString(),
              "--grid",
              "lr=0.1",
              "--param",
              "epochs=2",
              "--param",
              "hidden=16",
              "--param",
              "batchSize=64",
              "--timeout",
              "PT6M");

      Path log = work.resolve("crashed-launcher.log");
      Process child = startChild(launcher, Faults.REGISTRY_BEFORE_COMMIT, log);
      assertThat(child.waitFor(8, TimeUnit.MINUTES)).as("the launcher child exits").isTrue();
      String childLog = Files.readString(log);
      assertThat(child.exitValue()).as(childLog).isEqualTo(137);
      assertThat(childLog).contains("halting at " + Faults.REGISTRY_BEFORE_COMMIT);

      // After the crash: the run is in flight, no version is listed, yet objects were written.
      List<RetrainRun> runs = JdbcRunStore.open(model.state()).list();
      assertThat(runs).hasSize(1);
      assertThat(runs.get(0).state().terminal()).as(runs.get(0).toString()).isFalse();
      JdbcModelRegistry crashed = JdbcModelRegistry.embedded(registryDir);
      assertThat(crashed.versions(MODEL)).isEmpty();
      assertThat(crashed.alias(MODEL, "champion")).isEmpty();
      long objectsAfterCrash = objectFiles(registryDir);
      assertThat(objectsAfterCrash).as("the challenger's objects reached the store").isPositive();

      // The restarted launcher (in this JVM, no fault) resumes the run from the state database.
      assertThat(Main.execute(launcher.toArray(String[]::new))).as(stdout() + stderr()).isZero();
      assertThat(stdout()).contains("0 request(s) read").contains("PROMOTED");
      List<RetrainRun> after = JdbcRunStore.open(model.state()).list();
      assertThat(after).hasSize(1);
      RetrainRun run = after.get(0);
      assertThat(run.state()).isEqualTo(RunState.PROMOTED);
      JdbcModelRegistry registry = JdbcModelRegistry.embedded(registryDir);
      assertThat(registry.versions(MODEL))
          .extracting(v -> v.versionId())
          .containsExactly(run.results().modelVersion());
      assertThat(registry.alias(MODEL, "champion"))
          .get()
          .extracting(v -> v.versionId())
          .isEqualTo(run.results().modelVersion());
      registry.verifyLedger(MODEL); // throws when the hash chain does not verify
      // One move per alias: the crashed attempt moved nothing, the resumed one moved each once.
      assertThat(registry.ledger(MODEL))
          .extracting(e -> e.alias() + "->" + e.toVersion())
          .containsExactly(
              "challenger->" + run.results().modelVersion(),
              "champion->" + run.results().modelVersion());
      // Every object the crash left is now referenced by the registered version.
      assertThat(registry.gc(java.time.Duration.ZERO, true).removed()).isEmpty();
    }
  }

  private static long objectFiles(Path registryDir) throws Exception {
    try (Stream<Path> s = Files.walk(registryDir.resolve("artifacts"))) {
      return s.filter(Files::isRegularFile).count();
    }
  }

  /** Runs {@code driftgate <args>} in its own JVM with a fault point armed. */
  private static Process startChild(List<String> args, String fault, Path log) throws Exception {
    Path argFile = Files.createTempFile("driftgate-cp", ".args");
    argFile.toFile().deleteOnExit(); // read by the child at its start; gone with the test JVM
    Files.writeString(
        argFile, "-cp\n\"" + System.getProperty("java.class.path").replace("\\", "\\\\") + "\"\n");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--add-opens") || arg.startsWith("-Dai.djl") || arg.startsWith("-XX:")) {
        cmd.add(arg);
      }
    }
    cmd.add("-Ddriftgate.fault=" + fault);
    cmd.add("@" + argFile);
    cmd.add(Main.class.getName());
    cmd.addAll(args);
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }
}
