package io.driftgate.demo;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.driftgate.core.testing.ArchitectureRules;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module layering with the demo on the classpath (the CLI's ArchitectureTest cannot see it):
 * nothing depends on the demo, and the demo's packages have no cycles.
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
  void demoPackagesHaveNoCycles() {
    ArchitectureRules.noPackageCycles("io.driftgate.demo").check(all);
  }
}
