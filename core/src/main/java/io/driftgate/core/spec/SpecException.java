package io.driftgate.core.spec;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A model spec is invalid. Carries every problem found (not just the first); the message lists them
 * one per line. {@link #key()}, {@link #value()} and {@link #allowed()} describe the first.
 */
public class SpecException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final List<SpecError> errors;

  public SpecException(List<SpecError> errors) {
    super(render(errors));
    if (errors == null || errors.isEmpty()) {
      throw new IllegalArgumentException("a SpecException needs at least one error");
    }
    this.errors = List.copyOf(errors);
  }

  public SpecException(SpecError error) {
    this(List.of(error));
  }

  private static String render(List<SpecError> errors) {
    return errors == null
        ? ""
        : errors.stream().map(SpecError::message).collect(Collectors.joining("\n"));
  }

  /** All problems, in the order they were found. */
  public List<SpecError> errors() {
    return errors;
  }

  /** Key path of the first problem. */
  public String key() {
    return errors.get(0).key();
  }

  /** Offending value of the first problem (null when a key is missing). */
  public String value() {
    return errors.get(0).value();
  }

  /** What is allowed, or how to fix the first problem. */
  public String allowed() {
    return errors.get(0).allowed();
  }
}
