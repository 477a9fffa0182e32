package io.driftgate.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Base for CLI tests: captures System.out and System.err around each test. */
abstract class ConsoleCapture {
  protected final ByteArrayOutputStream out = new ByteArrayOutputStream();
  protected final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream oldOut;
  private PrintStream oldErr;

  @BeforeEach
  void captureConsole() {
    oldOut = System.out;
    oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restoreConsole() {
    System.setOut(oldOut);
    System.setErr(oldErr);
  }

  protected String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  protected String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }
}
