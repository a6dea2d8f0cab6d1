package dev.outboxcdc.consumer;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package rules of consumer-support: the consumer works without Spring (plain JDBC and amqp-client), and the
 * Spring Boot integration sits on top of it, never the other way round.
 */
@AnalyzeClasses(
        packages = "dev.outboxcdc.consumer",
        importOptions = {ImportOption.DoNotIncludeTests.class, ImportOption.DoNotIncludeJars.class})
class ArchitectureTest {

    @ArchTest
    static final ArchRule theConsumerDoesNotNeedSpring = noClasses()
            .that()
            .resideInAPackage("dev.outboxcdc.consumer")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.springframework..", "dev.outboxcdc.consumer.spring..");

    @ArchTest
    static final ArchRule onlyTheSharedContractIsUsedFromOtherModules = noClasses()
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("dev.outboxcdc.relay..", "dev.outboxcdc.writer..", "dev.outboxcdc.testsupport..");
}
