package dev.outboxcdc.relay;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.actuate.autoconfigure.metrics.cache.CacheMetricsAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.observation.web.client.HttpClientObservationsAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.scheduling.ScheduledTasksObservabilityAutoConfiguration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration;
import org.springframework.boot.autoconfigure.http.client.HttpClientAutoConfiguration;
import org.springframework.boot.autoconfigure.netty.NettyAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.autoconfigure.web.client.RestClientAutoConfiguration;
import org.springframework.boot.autoconfigure.web.client.RestTemplateAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.MultipartAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import sun.misc.Signal;

/**
 * cdc-relay: tails the PostgreSQL WAL and publishes every committed outbox insert to RabbitMQ.
 * SIGTERM (and SIGINT) drain in-flight confirms, commit offsets and exit 0.
 */
// Auto-configurations for what the relay has no use for (outgoing HTTP clients, caches, task executors and
// schedulers, multipart uploads, AOP): each costs start-up time, none adds a metric or an endpoint here.
@SpringBootApplication(
        exclude = {
            AopAutoConfiguration.class,
            CacheAutoConfiguration.class,
            CacheMetricsAutoConfiguration.class,
            HttpClientAutoConfiguration.class,
            HttpClientObservationsAutoConfiguration.class,
            MultipartAutoConfiguration.class,
            NettyAutoConfiguration.class,
            RestClientAutoConfiguration.class,
            RestTemplateAutoConfiguration.class,
            ScheduledTasksObservabilityAutoConfiguration.class,
            TaskExecutionAutoConfiguration.class,
            TaskSchedulingAutoConfiguration.class
        })
@ConfigurationPropertiesScan
public class CdcRelayApplication {

    /** Starts the relay. */
    public static void main(String[] args) {
        // A stop requested by the platform is a normal exit: Spring's shutdown hook drains the relay,
        // then the process exits 0 instead of the JVM's default 143.
        Signal.handle(new Signal("TERM"), signal -> System.exit(0));
        Signal.handle(new Signal("INT"), signal -> System.exit(0));
        SpringApplication.run(CdcRelayApplication.class, args);
    }
}
