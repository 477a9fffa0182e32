package io.driftgate.core.gate;

import java.util.List;
import java.util.Optional;

/** All check results of one gate evaluation, in check order. */
public record GateReport(List<CheckResult> checks) {

  public GateReport {
    checks = List.copyOf(checks);
  }

  /** Promote when no check failed (WARN and SKIPPED do not block). */
  public boolean promote() {
    return checks.stream().noneMatch(c -> c.status() == CheckResult.Status.FAIL);
  }

  /** One line per check: {@code STATUS name: detail}. */
  public List<String> reasons() {
    return checks.stream().map(CheckResult::reason).toList();
  }

  /** The check with this name, if it ran. */
  public Optional<CheckResult> check(String name) {
    return checks.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /** Checks with this status. */
  public List<CheckResult> withStatus(CheckResult.Status status) {
    return checks.stream().filter(c -> c.status() == status).toList();
  }
}
