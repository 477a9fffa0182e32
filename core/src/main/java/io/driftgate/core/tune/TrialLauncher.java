package io.driftgate.core.tune;

import java.io.IOException;
import java.nio.file.Path;

/** Starts trial processes; the tuner supervises what it returns. */
@FunctionalInterface
public interface TrialLauncher {
  /**
   * Starts trial {@code index} of the study in {@code studyDir}; its params.json already exists.
   */
  Process launch(int index, Path studyDir) throws IOException;
}
