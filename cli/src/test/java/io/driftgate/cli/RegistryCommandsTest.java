package io.driftgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.registry.FileSystemModelRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * models / promote --force / rollback / ledger on a registry (the gate itself is tested in gate).
 */
class RegistryCommandsTest extends ConsoleCapture {
  @TempDir Path dir;

  private String version(String content) throws Exception {
    Path m = dir.resolve("src-" + content);
    Files.createDirectories(m);
    Files.writeString(m.resolve("weights.bin"), content);
    Files.writeString(
        m.resolve("training.json"),
        "{\"lake\":{\"from\":\"2024-01-01T00:00:00Z\",\"to\":\"2024-01-02T00:00:00Z\","
            + "\"fromMillis\":1704067200000,\"toMillis\":1704153600000,\"rows\":10},"
            + "\"kafkaOffsets\":{\"flights-0\":[[0,10]]},\"seed\":1}");
    return new FileSystemModelRegistry(dir.resolve("reg"))
        .register("flight-delay", m, Map.of("trainedFrom", "2024-01-01"))
        .versionId();
  }

  private int run(String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--registry=" + dir.resolve("reg");
    all[args.length + 1] = "--spec=../examples/flight-delay/driftgate.yaml";
    return Main.execute(all);
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
    assertThat(run("promote", b, "--force", "--reason=hotfix", "--actor=alice")).isZero();
    assertThat(run("models", "list")).isZero();
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text).contains(b + " ", "champion", "2 versions of flight-delay");

    assertThat(run("rollback", "--reason=bad", "--actor=bob")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("rolled back: champion " + b + " -> " + a);
    assertThat(run("ledger")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("forced: hotfix", "ROLLBACK", "3 entries, hash chain verified");
    assertThat(run("models", "show", a)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("(verified)", "aliases:     champion", "weights.bin");

    // A tampered registry copy is refused.
    Path copy =
        new FileSystemModelRegistry(dir.resolve("reg"))
            .version("flight-delay", a)
            .orElseThrow()
            .path();
    copy.resolve("weights.bin").toFile().setWritable(true);
    Files.writeString(copy.resolve("weights.bin"), "evil");
    assertThat(run("models", "show", a)).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("weights.bin");
  }

  @Test
  void helpListsTheGateCommands() {
    assertThat(Main.execute("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("gate", "models", "promote", "rollback", "ledger");
  }
}
