package io.driftgate.trainer;

import java.util.Locale;

/**
 * Fault injection, a <b>test hook</b> for the tuner's tests (param {@code fault}); never set it in
 * production. The fault fires at the end of epoch {@code faultEpoch} (default 1), after the epoch's
 * training pass:
 *
 * <ul>
 *   <li>{@link #NAN}: the epoch reports NaN losses, as a diverging run would; the run then stops
 *       with status {@link TrainResult.Status#DIVERGED} (the same path a real NaN loss takes);
 *   <li>{@link #CRASH}: {@code System.exit(3)} when param {@code allowCrash=true} (for a trial in a
 *       child process); otherwise an {@link InjectedFaultException} is thrown, so a test JVM
 *       survives a forgotten flag;
 *   <li>{@link #HANG}: sleeps until interrupted (then throws {@link InjectedFaultException}).
 * </ul>
 */
public enum Fault {
  NONE,
  NAN,
  CRASH,
  HANG;

  /** Exit status of an injected crash. */
  public static final int CRASH_EXIT_STATUS = 3;

  static Fault parse(String s) {
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "", "none" -> NONE;
      case "nan" -> NAN;
      case "crash" -> CRASH;
      case "hang" -> HANG;
      default -> throw new IllegalArgumentException("fault must be nan, crash or hang: " + s);
    };
  }

  /** Thrown by an injected fault that does not end the JVM. */
  public static final class InjectedFaultException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InjectedFaultException(String message) {
      super(message);
    }
  }
}
