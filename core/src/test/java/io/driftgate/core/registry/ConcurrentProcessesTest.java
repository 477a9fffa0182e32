package io.driftgate.core.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two JVMs appending to one ledger: the FileChannel lock keeps it consistent. */
class ConcurrentProcessesTest {

  @TempDir Path tmp;

  @Test
  void twoProcessesAppendWithoutInterleaving() throws Exception {
    Path root = tmp.resolve("registry");
    FileSystemModelRegistry registry = new FileSystemModelRegistry(root);
    String a =
        registry.register("m", TestModels.modelDir(tmp, "a", "a", true), Map.of()).versionId();
    String b =
        registry.register("m", TestModels.modelDir(tmp, "b", "b", true), Map.of()).versionId();
    int perProcess = 20;

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<Process> processes = new ArrayList<>();
    for (String actor : List.of("p1", "p2")) {
      processes.add(
          new ProcessBuilder(
                  java,
                  "-cp",
                  System.getProperty("java.class.path"),
                  LedgerWriterProcess.class.getName(),
                  root.toString(),
                  "m",
                  actor,
                  Integer.toString(perProcess),
                  a,
                  b)
              .redirectErrorStream(true)
              .redirectOutput(tmp.resolve(actor + ".log").toFile())
              .start());
    }
    for (Process p : processes) {
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue())
          .as(() -> readLog(tmp.resolve(p == processes.get(0) ? "p1.log" : "p2.log")))
          .isZero();
    }

    registry.verifyLedger("m");
    List<LedgerEntry> ledger = registry.ledger("m");
    assertThat(ledger).hasSize(2 * perProcess);
    assertThat(ledger).extracting(LedgerEntry::seq).doesNotHaveDuplicates().isSorted();
    assertThat(ledger.get(ledger.size() - 1).seq()).isEqualTo(2L * perProcess);
    assertThat(ledger.stream().filter(e -> e.actor().equals("p1")).count()).isEqualTo(perProcess);
  }

  private static String readLog(Path log) {
    try {
      return java.nio.file.Files.readString(log);
    } catch (java.io.IOException e) {
      return "no log";
    }
  }
}
