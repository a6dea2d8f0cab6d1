package dev.outboxcdc.relay;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The relay's package rules. {@code engine} wires everything and nothing depends on it; the data path's parts
 * ({@code envelope}: row to message, {@code publish}: message to RabbitMQ) know nothing of Debezium's engine, the
 * database or offsets; Spring stays at the edges (wiring, configuration, health).
 */
@AnalyzeClasses(
        packages = "dev.outboxcdc.relay",
        importOptions = {ImportOption.DoNotIncludeTests.class, ImportOption.DoNotIncludeJars.class})
class ArchitectureTest {

    private static final String RELAY = "dev.outboxcdc.relay";

    @ArchTest
    static final ArchRule packagesHaveNoCycles =
            slices().matching(RELAY + ".(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule onlyTheApplicationDependsOnTheEngine = noClasses()
            .that()
            .resideOutsideOfPackages(RELAY, RELAY + ".engine..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage(RELAY + ".engine..");

    @ArchTest
    static final ArchRule envelopesNeedNoOtherRelayPackage = noClasses()
            .that()
            .resideInAPackage(RELAY + ".envelope..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    RELAY + ".config..",
                    RELAY + ".db..",
                    RELAY + ".health..",
                    RELAY + ".offsets..",
                    RELAY + ".publish..",
                    RELAY + ".retry..");

    @ArchTest
    static final ArchRule publishingKnowsNothingOfTheDatabaseOrOffsets = noClasses()
            .that()
            .resideInAPackage(RELAY + ".publish..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    RELAY + ".db..", RELAY + ".offsets..", "java.sql..", "io.debezium..", "org.apache.kafka..");

    @ArchTest
    static final ArchRule retryIsALeaf = noClasses()
            .that()
            .resideInAPackage(RELAY + ".retry..")
            .should()
            .dependOnClassesThat()
            .resideOutsideOfPackages(RELAY + ".retry..", "java..", "org.slf4j..");

    @ArchTest
    static final ArchRule onlyTheEngineUsesDebezium = noClasses()
            .that()
            .resideOutsideOfPackage(RELAY + ".engine..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.debezium..");

    @ArchTest
    static final ArchRule springStaysAtTheEdges = noClasses()
            .that()
            .resideInAnyPackage(
                    RELAY + ".db..",
                    RELAY + ".envelope..",
                    RELAY + ".offsets..",
                    RELAY + ".publish..",
                    RELAY + ".retry..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("org.springframework..");
}
