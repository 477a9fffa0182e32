package io.driftgate.cli;

import io.driftgate.core.drift.metrics.DriftMetric;
import io.driftgate.core.gate.RankPolicy;
import io.driftgate.core.spec.LauncherConfig;
import io.driftgate.testkit.generate.DriftMode;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;

/**
 * Typed enum options spelled in lower case on the command line ({@code --metric psi}): one
 * converter per enum, so a bad value is a usage error (exit 2) that lists the candidates in the
 * spelling the help and the completion script use.
 */
final class CliEnums {
  private CliEnums() {}

  /** The enums options take; each gets the lower-case converter. */
  static final List<Class<? extends Enum<?>>> TYPES =
      List.of(
          DriftMetric.class,
          DriftMode.class,
          RankPolicy.class,
          LauncherConfig.Backend.class,
          io.driftgate.launcher.LauncherLoop.LeaderKind.class,
          RequestCommand.Reason.class);

  /** Registers the converters on a command line and its subcommands. */
  static CommandLine register(CommandLine cl) {
    for (Class<? extends Enum<?>> t : TYPES) {
      registerOne(cl, t);
    }
    return cl;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void registerOne(CommandLine cl, Class t) {
    cl.registerConverter(t, converter(t));
  }

  /** {@code JENSEN_SHANNON} as typed: {@code jensen_shannon}. */
  static String name(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  static <E extends Enum<E>> List<String> names(Class<E> type) {
    return Arrays.stream(type.getEnumConstants()).map(CliEnums::name).toList();
  }

  static <E extends Enum<E>> CommandLine.ITypeConverter<E> converter(Class<E> type) {
    return value -> {
      for (E e : type.getEnumConstants()) {
        if (e.name().equalsIgnoreCase(value.trim().replace('-', '_'))) {
          return e;
        }
      }
      throw new CommandLine.TypeConversionException(
          "expected one of " + names(type) + " but was '" + value + "'");
    };
  }

  /** Completion candidates (and {@code ${COMPLETION-CANDIDATES}} in help) in lower case. */
  abstract static class Candidates<E extends Enum<E>> implements Iterable<String> {
    private final Class<E> type;

    Candidates(Class<E> type) {
      this.type = type;
    }

    @Override
    public Iterator<String> iterator() {
      return names(type).iterator();
    }
  }

  static final class Metrics extends Candidates<DriftMetric> {
    Metrics() {
      super(DriftMetric.class);
    }
  }

  static final class DriftModes extends Candidates<DriftMode> {
    DriftModes() {
      super(DriftMode.class);
    }
  }

  static final class RankPolicies extends Candidates<RankPolicy> {
    RankPolicies() {
      super(RankPolicy.class);
    }
  }

  static final class Backends extends Candidates<LauncherConfig.Backend> {
    Backends() {
      super(LauncherConfig.Backend.class);
    }
  }

  static final class LeaderKinds extends Candidates<io.driftgate.launcher.LauncherLoop.LeaderKind> {
    LeaderKinds() {
      super(io.driftgate.launcher.LauncherLoop.LeaderKind.class);
    }
  }

  static final class Reasons extends Candidates<RequestCommand.Reason> {
    Reasons() {
      super(RequestCommand.Reason.class);
    }
  }
}
