package io.driftgate.core.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The architecture rules that the build checks (each module's {@code ArchitectureTest} runs the
 * ones that concern it): an engine-free core, no package cycles, and the module layering. One
 * definition here, so that a module's test and the planted-violation tests check the same rule.
 */
public final class ArchitectureRules {
  /** Packages of the engines and clients that stay out of {@code core}. */
  public static final String[] ENGINE_PACKAGES = {
    "org.apache.beam..", "org.apache.flink..", "ai.djl..", "io.fabric8..", "org.apache.kafka.."
  };

  private ArchitectureRules() {}

  /** Production classes under {@code packages}: no test classes, no test jars (core's fixtures). */
  public static JavaClasses productionClasses(String... packages) {
    return new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(location -> !location.contains("-tests.jar"))
        .importPackages(packages);
  }

  /** {@code core} imports no engine (Beam, Flink), no DJL, no fabric8 and no Kafka client. */
  public static ArchRule coreIsEngineFree() {
    return noClasses()
        .that()
        .resideInAPackage("io.driftgate.core..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(ENGINE_PACKAGES)
        .because(
            "core is the engine-free model that every module and process shares; engines stay in"
                + " streaming (Beam/Flink/Kafka), trainer (DJL) and launcher (fabric8)");
  }

  /**
   * No cycle between the top-level packages of a module: {@code root.(x)..} and {@code root.(y)..}
   * never depend on each other both ways.
   */
  public static ArchRule noPackageCycles(String root) {
    return slices()
        .matching(root + ".(*)..")
        .namingSlices(root + ".$1")
        .should()
        .beFreeOfCycles()
        .allowEmptyShould(true)
        .because("a package cycle makes two packages one; move the shared type or invert a call");
  }

  /**
   * The module graph, as Maven declares it, for production code: core at the bottom, the engines'
   * modules above it (streaming uses the trainer to load the champion it scores with), the CLI
   * (which parses and calls the launcher's factory) on top, the demo (the embedded end-to-end loop
   * on the CLI's commands) and bench beside it. The testkit (generators, embedded broker) sits on
   * core and only the CLI's dev commands (produce, kafka), the demo and bench use it: no module
   * that an image carries for its own code does.
   */
  public static ArchRule moduleLayering() {
    return layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .withOptionalLayers(true)
        .layer("Schemas")
        .definedBy("io.driftgate.schemas..")
        .layer("Core")
        .definedBy("io.driftgate.core..")
        .layer("Testkit")
        .definedBy("io.driftgate.testkit..")
        .layer("Streaming")
        .definedBy("io.driftgate.streaming..")
        .layer("Trainer")
        .definedBy("io.driftgate.trainer..")
        .layer("Gate")
        .definedBy("io.driftgate.gate..")
        .layer("Launcher")
        .definedBy("io.driftgate.launcher..")
        .layer("Cli")
        .definedBy("io.driftgate.cli..")
        .layer("Demo")
        .definedBy("io.driftgate.demo..")
        .layer("Bench")
        .definedBy("io.driftgate.bench..")
        .whereLayer("Bench")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("Demo")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("Cli")
        .mayOnlyBeAccessedByLayers("Demo", "Bench")
        .whereLayer("Launcher")
        .mayOnlyBeAccessedByLayers("Cli", "Demo", "Bench")
        // The launcher's local backend runs tuning studies and the gate in process.
        .whereLayer("Gate")
        .mayOnlyBeAccessedByLayers("Launcher", "Cli", "Demo", "Bench")
        // Streaming scores records with the champion through the trainer's saved-model loader.
        .whereLayer("Trainer")
        .mayOnlyBeAccessedByLayers("Streaming", "Gate", "Launcher", "Cli", "Demo", "Bench")
        .whereLayer("Streaming")
        .mayOnlyBeAccessedByLayers("Cli", "Demo", "Bench")
        .whereLayer("Testkit")
        .mayOnlyBeAccessedByLayers("Cli", "Demo", "Bench")
        .whereLayer("Core")
        .mayOnlyBeAccessedByLayers(
            "Testkit", "Streaming", "Trainer", "Gate", "Launcher", "Cli", "Demo", "Bench")
        .whereLayer("Schemas")
        .mayOnlyBeAccessedByLayers(
            "Core", "Testkit", "Streaming", "Trainer", "Gate", "Launcher", "Cli", "Demo", "Bench");
  }
}
