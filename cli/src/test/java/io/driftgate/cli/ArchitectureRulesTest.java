package io.driftgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import io.driftgate.core.planted.BeamInCore;
import io.driftgate.core.plantedcyclea.PlantedA;
import io.driftgate.core.plantedcycleb.PlantedB;
import io.driftgate.core.testing.ArchitectureRules;
import io.driftgate.launcher.planted.LauncherStartsBroker;
import io.driftgate.streaming.planted.StreamingCallsCli;
import org.junit.jupiter.api.Test;

/**
 * The architecture rules fail on planted violations (test-only classes), so a passing {@link
 * ArchitectureTest} means something: each rule is evaluated on a class that breaks it and must
 * report that class and the offending dependency.
 */
class ArchitectureRulesTest {

  @Test
  void engineRuleFailsOnACoreClassThatImportsBeam() {
    JavaClasses planted = new ClassFileImporter().importClasses(BeamInCore.class);

    EvaluationResult result = ArchitectureRules.coreIsEngineFree().evaluate(planted);

    assertThat(result.hasViolation()).isTrue();
    String report = result.getFailureReport().toString();
    System.out.println("Planted violation, as the build reports it:\n" + report);
    assertThat(report)
        .contains("io.driftgate.core.planted.BeamInCore")
        .contains("org.apache.beam.sdk.Pipeline")
        .contains("core is the engine-free model");
  }

  @Test
  void cycleRuleFailsOnTwoCorePackagesThatUseEachOther() {
    JavaClasses planted = new ClassFileImporter().importClasses(PlantedA.class, PlantedB.class);

    EvaluationResult result =
        ArchitectureRules.noPackageCycles("io.driftgate.core").evaluate(planted);

    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().toString())
        .contains("Cycle detected")
        .contains("io.driftgate.core.plantedcyclea")
        .contains("io.driftgate.core.plantedcycleb");
  }

  @Test
  void layeringRuleFailsOnAStreamingClassThatUsesTheCli() {
    JavaClasses planted =
        new ClassFileImporter().importClasses(StreamingCallsCli.class, Main.class);

    EvaluationResult result = ArchitectureRules.moduleLayering().evaluate(planted);

    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().toString())
        .contains("io.driftgate.streaming.planted.StreamingCallsCli")
        .contains("io.driftgate.cli.Main");
  }

  @Test
  void layeringRuleFailsOnAProductionModuleThatUsesTheTestkit() {
    JavaClasses planted =
        new ClassFileImporter()
            .importClasses(
                LauncherStartsBroker.class, io.driftgate.testkit.kafka.EmbeddedKafka.class);

    EvaluationResult result = ArchitectureRules.moduleLayering().evaluate(planted);

    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().toString())
        .contains("io.driftgate.launcher.planted.LauncherStartsBroker")
        .contains("io.driftgate.testkit.kafka.EmbeddedKafka");
  }

  @Test
  void rulesPassOnTheCleanCounterparts() {
    JavaClasses clean = new ClassFileImporter().importClasses(PlantedA.class, Main.class);

    assertThat(ArchitectureRules.coreIsEngineFree().evaluate(clean).hasViolation()).isFalse();
    assertThat(
            ArchitectureRules.noPackageCycles("io.driftgate.core").evaluate(clean).hasViolation())
        .isFalse();
  }
}
