package io.driftgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** One test per documented exit code: 0 ok, 1 negative verdict, 2 usage, 3 runtime failure. */
class ExitCodesTest extends ConsoleCapture {
  @TempDir Path dir;

  /** reference.csv and current.csv: amount shifted by 1.5 std, city unchanged. */
  static Path[] shiftedCsv(Path dir) throws Exception {
    Random random = new Random(1);
    StringBuilder ref = new StringBuilder("amount,city\n");
    StringBuilder cur = new StringBuilder("amount,city\n");
    String[] cities = {"oslo", "rome", "lima"};
    for (int i = 0; i < 3000; i++) {
      ref.append(random.nextGaussian()).append(',').append(cities[random.nextInt(3)]).append('\n');
      cur.append(random.nextGaussian() + 1.5)
          .append(',')
          .append(cities[random.nextInt(3)])
          .append('\n');
    }
    Path a = dir.resolve("reference.csv");
    Path b = dir.resolve("current.csv");
    Files.writeString(a, ref);
    Files.writeString(b, cur);
    return new Path[] {a, b};
  }

  private int drift(Path reference, Path current, String... more) {
    String[] base = {
      "drift",
      "--spec=" + dir.resolve("none.yaml"),
      "--reference=" + reference,
      "--current=" + current
    };
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return Main.execute(all);
  }

  @Test
  void helpDocumentsTheExitCodes() {
    assertThat(Main.execute("--help")).isEqualTo(Main.EXIT_OK);
    assertThat(stdout())
        .contains("Exit codes:", "report")
        .containsPattern("0\\s+ok")
        .containsPattern("1\\s+negative verdict")
        .containsPattern("2\\s+usage or configuration error")
        .containsPattern("3\\s+runtime failure");
  }

  @Test
  void zeroWhenTheCommandRanEvenIfItFoundDrift() throws Exception {
    Path[] csv = shiftedCsv(dir);
    assertThat(drift(csv[0], csv[1])).as(stderr()).isEqualTo(Main.EXIT_OK);
    assertThat(stdout()).contains("DRIFT");
    out.reset();
    // no drift of a dataset against itself, even with --fail-on-drift
    assertThat(drift(csv[0], csv[0], "--fail-on-drift")).isEqualTo(Main.EXIT_OK);
    assertThat(stdout()).contains("drifted: 0 of 2");
  }

  @Test
  void oneWhenDriftIsFoundWithFailOnDrift() throws Exception {
    Path[] csv = shiftedCsv(dir);
    assertThat(drift(csv[0], csv[1], "--fail-on-drift")).isEqualTo(Main.EXIT_NEGATIVE);
    assertThat(stdout()).contains("drifted: 1 of 2");
    assertThat(stderr()).isEmpty();
  }

  @Test
  void twoForUsageAndConfigurationErrors() throws Exception {
    Path[] csv = shiftedCsv(dir);
    assertThat(drift(csv[0], csv[1], "--no-such-option")).isEqualTo(Main.EXIT_USAGE);
    assertThat(stderr()).contains("Unknown option: '--no-such-option'");
    err.reset();
    assertThat(Main.execute("drift", "--reference=" + csv[0])).isEqualTo(Main.EXIT_USAGE);
    assertThat(stderr()).contains("Missing required option", "--current");
    err.reset();
    assertThat(drift(csv[0], csv[1], "--metric=cosine")).isEqualTo(Main.EXIT_USAGE);
    assertThat(stderr())
        .startsWith("Invalid value for option '--metric'")
        .contains("psi", "'cosine'")
        .doesNotContain("Exception");
    err.reset();
    assertThat(Main.execute("report", "--spec", dir.resolve("nope.yaml").toString(), "--html=x"))
        .isEqualTo(Main.EXIT_USAGE);
    assertThat(stderr()).contains("does not exist");
  }

  @Test
  void threeForARuntimeFailureWithOneLineAndAHint() throws Exception {
    Path[] csv = shiftedCsv(dir);
    // the report's folder would be below a regular file: an I/O failure after the comparison
    Path impossible = csv[0].resolve("sub/report.html");
    assertThat(drift(csv[0], csv[1], "--html=" + impossible)).isEqualTo(Main.EXIT_FAILURE);
    String[] lines = stderr().strip().split("\n");
    assertThat(lines).hasSize(2);
    assertThat(lines[0]).startsWith("driftgate: cannot write").contains("report.html");
    assertThat(lines[1]).contains("--verbose", "DRIFTGATE_DEBUG=1");
    assertThat(stderr()).doesNotContain("\tat ");
  }

  @Test
  void verbosePrintsTheStackTraceOfARuntimeFailure() throws Exception {
    Path[] csv = shiftedCsv(dir);
    Path impossible = csv[0].resolve("sub/report.html");
    assertThat(drift(csv[0], csv[1], "--html=" + impossible, "--verbose"))
        .isEqualTo(Main.EXIT_FAILURE);
    assertThat(stderr())
        .startsWith("driftgate: cannot write")
        .contains("UncheckedIOException", "\tat ")
        .doesNotContain("rerun with");
  }

  @Test
  void theDebugVariablePrintsTheStackTraceToo() {
    CommandLine cl = new CommandLine(new Main());
    StringWriter text = new StringWriter();
    cl.setErr(new PrintWriter(text, true));
    CommandLine.ParseResult parsed = cl.parseArgs();
    Exception boom = new UncheckedIOException("disk gone", new java.io.IOException("EIO"));
    int code =
        new Main.ErrorHandler(name -> name.equals("DRIFTGATE_DEBUG") ? "1" : null)
            .handleExecutionException(boom, cl, parsed);
    assertThat(code).isEqualTo(Main.EXIT_FAILURE);
    assertThat(text.toString()).startsWith("driftgate: disk gone").contains("\tat ");
    StringWriter quiet = new StringWriter();
    cl.setErr(new PrintWriter(quiet, true));
    assertThat(new Main.ErrorHandler(name -> null).handleExecutionException(boom, cl, parsed))
        .isEqualTo(Main.EXIT_FAILURE);
    assertThat(quiet.toString()).doesNotContain("\tat ").contains("rerun with --verbose");
  }
}
