package io.driftgate.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.cli.Progress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The demo's ingestion progress. */
class DemoProgressTest {
  @Test
  void theDemosProgressWritesPlainLinesWhenNotATerminal() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (Progress p =
        Demo.committedProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), 100, false)) {
      p.stepTo(40);
      p.stepTo(100);
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertThat(text).doesNotContain("\r");
    // one closing line (the interval has not passed in between), indented under the demo's lines
    assertThat(text).startsWith("  committed: 100/100 records (100%) done, ").endsWith(" s\n");
    assertThat(text.lines()).hasSize(1);
  }
}
