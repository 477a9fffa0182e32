package io.driftgate.core.run;

import java.util.Locale;

/** The units of work a backend runs for a run: the tuning study, then train-best plus gate. */
public enum RunStep {
  /** The tuning study (one trial per index). */
  TUNE,
  /** Training the best trial's parameters on the full range, then the SHAP gate. */
  BEST;

  /** Lower-case name, as used in labels and job names ({@code tune}, {@code best}). */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
