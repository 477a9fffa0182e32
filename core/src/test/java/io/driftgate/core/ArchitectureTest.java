package io.driftgate.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.driftgate.core.testing.ArchitectureRules;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** core's architecture: engine-free, no package cycles, nothing above it. */
class ArchitectureTest {
  private static JavaClasses core;

  @BeforeAll
  static void importCore() {
    core = ArchitectureRules.productionClasses("io.driftgate.core");
  }

  @Test
  void coreImportsNoEngine() {
    ArchitectureRules.coreIsEngineFree().check(core);
  }

  @Test
  void corePackagesHaveNoCycles() {
    ArchitectureRules.noPackageCycles("io.driftgate.core").check(core);
  }

  @Test
  void coreDependsOnNoOtherModule() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.driftgate.streaming..",
            "io.driftgate.trainer..",
            "io.driftgate.gate..",
            "io.driftgate.launcher..",
            "io.driftgate.cli..",
            "io.driftgate.bench..")
        .check(core);
  }
}
