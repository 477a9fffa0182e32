package io.driftgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.registry.JdbcModelRegistry;
import io.driftgate.core.run.JdbcRunStore;
import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunState;
import io.driftgate.testkit.kafka.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code driftgate request} then {@code driftgate launcher --once} on a real broker, as a cron job
 * or CI step would run them: the request (sent twice) becomes one run that ends PROMOTED, and a
 * second {@code --once} finds nothing new to do.
 */
class LauncherOnceIT extends ConsoleCapture {
  @TempDir Path work;

  @Test
  void onceDrainsTheTopicFinishesTheRunAndARestartDoesNothingTwice() throws Exception {
    Path lake = TinyLake.write(work.resolve("lake"), 17, 5000);
    Path spec = Files.writeString(work.resolve("driftgate.yaml"), TinyLake.specFor(lake));
    Path registry = work.resolve("registry");
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      String bs = kafka.bootstrapServers();
      kafka.createTopicsFor(io.driftgate.core.spec.SpecLoader.load(spec), 1);
      for (int i = 0; i < 2; i++) { // the same request twice: one run
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
                    "0123abc"))
            .as(stderr())
            .isZero();
      }
      String[] launcher = {
        "launcher",
        "--once",
        "--spec",
        spec.toString(),
        "--bootstrap-servers",
        bs,
        "--registry",
        registry.toString(),
        "--studies-dir",
        work.resolve("studies").toString(),
        "--grid",
        "lr=0.05,0.1",
        "--param",
        "epochs=2",
        "--param",
        "hidden=16",
        "--param",
        "batchSize=64",
        "--timeout",
        "PT6M"
      };
      assertThat(Main.execute(launcher)).as(stdout() + stderr()).isZero();
      assertThat(stdout()).contains("2 request(s) read").contains("PROMOTED");

      List<RetrainRun> stored =
          JdbcRunStore.open(io.driftgate.core.spec.SpecLoader.load(spec).state()).list();
      assertThat(stored).hasSize(1);
      RetrainRun run = stored.get(0);
      assertThat(run.state()).isEqualTo(RunState.PROMOTED);
      assertThat(run.request().reasons()).containsExactly("commit");
      assertThat(JdbcModelRegistry.embedded(registry).alias("flight-delay", "champion"))
          .get()
          .extracting(v -> v.versionId())
          .isEqualTo(run.results().modelVersion());

      // A restarted --once: the offset was committed after the run was stored, so nothing new.
      out.reset();
      assertThat(Main.execute(launcher)).as(stdout() + stderr()).isZero();
      assertThat(stdout()).contains("0 request(s) read");
      assertThat(JdbcRunStore.open(io.driftgate.core.spec.SpecLoader.load(spec).state()).list())
          .hasSize(1);
    }
  }
}
