package io.driftgate.streaming.planted;

import io.driftgate.cli.Main;

/** A planted layering violation (test-only): a streaming class that depends on the CLI. */
public final class StreamingCallsCli {
  private StreamingCallsCli() {}

  public static String cliName() {
    return Main.class.getSimpleName();
  }
}
