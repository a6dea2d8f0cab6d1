package dev.outboxcdc.writer;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package rules of outbox-writer: the writer needs nothing but JDBC and Jackson (Spring is optional), and the
 * Spring integration sits on top of it.
 */
@AnalyzeClasses(
        packages = "dev.outboxcdc.writer",
        importOptions = {ImportOption.DoNotIncludeTests.class, ImportOption.DoNotIncludeJars.class})
class ArchitectureTest {

    @ArchTest
    static final ArchRule theWriterDoesNotNeedSpring = noClasses()
            .that()
            .resideInAPackage("dev.outboxcdc.writer")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.springframework..", "dev.outboxcdc.writer.spring..");

    @ArchTest
    static final ArchRule theWriterDoesNotTalkToRabbitMq = noClasses()
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("com.rabbitmq..", "dev.outboxcdc.relay..", "dev.outboxcdc.consumer..");
}
