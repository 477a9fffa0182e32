package io.driftgate.cli;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.driftgate.core.testing.ArchitectureRules;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The module layering and each module's package cycles, checked where every module's production
 * classes are on the classpath (the CLI assembles them all).
 */
class ArchitectureTest {
  private static JavaClasses all;

  @BeforeAll
  static void importAll() {
    all = ArchitectureRules.productionClasses("io.driftgate");
  }

  @Test
  void modulesDependOnlyDownwards() {
    ArchitectureRules.moduleLayering().check(all);
  }

  @Test
  void coreImportsNoEngine() {
    ArchitectureRules.coreIsEngineFree().check(all);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "io.driftgate.core",
        "io.driftgate.testkit",
        "io.driftgate.streaming",
        "io.driftgate.trainer",
        "io.driftgate.gate",
        "io.driftgate.launcher",
        "io.driftgate.cli"
      })
  void modulePackagesHaveNoCycles(String module) {
    ArchitectureRules.noPackageCycles(module).check(all);
  }
}
