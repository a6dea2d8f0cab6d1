package dev.outboxcdc.relay.engine;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.ConnectionFactory;
import dev.outboxcdc.relay.config.InvalidSettingException;
import dev.outboxcdc.relay.config.OutboxProperties;
import dev.outboxcdc.relay.config.Secrets;
import dev.outboxcdc.relay.db.LeaseTimeouts;
import dev.outboxcdc.relay.db.PgConnections;
import dev.outboxcdc.relay.db.SlotLease;
import dev.outboxcdc.relay.db.StartupChecks;
import dev.outboxcdc.relay.envelope.MessageFactory;
import dev.outboxcdc.relay.health.RelayMetrics;
import dev.outboxcdc.relay.health.RelayStatus;
import dev.outboxcdc.relay.health.SlotLagMonitor;
import dev.outboxcdc.relay.publish.BrokerConnector;
import dev.outboxcdc.relay.publish.BrokerSession;
import dev.outboxcdc.relay.publish.ConfirmSettings;
import dev.outboxcdc.relay.publish.ConfirmingPublisher;
import dev.outboxcdc.relay.publish.TopologySettings;
import dev.outboxcdc.relay.retry.Backoff;
import dev.outboxcdc.relay.retry.StopSignal;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the relay from {@link OutboxProperties} and ties its life to the application's. */
@Configuration(proxyBeanMethods = false)
public class RelayConfiguration {

    @Bean
    RelayStatus relayStatus() {
        return new RelayStatus();
    }

    @Bean
    RelayMetrics relayMetrics(MeterRegistry registry, RelayStatus status) {
        return new RelayMetrics(registry, status);
    }

    @Bean
    StopSignal stopSignal() {
        return new StopSignal();
    }

    @Bean
    PgConnections pgConnections(OutboxProperties config) {
        return new PgConnections(config.db());
    }

    @Bean
    MessageFactory messageFactory(OutboxProperties config) {
        return new MessageFactory(config.exchange(), config.maxEnvelopeSize().toBytes());
    }

    @Bean
    BrokerSession brokerSession(OutboxProperties config, RelayStatus status, RelayMetrics metrics) {
        BrokerConnector broker = new BrokerConnector(
                connectionFactory(config.rabbitmq()),
                config.rabbitmq().addressList().stream()
                        .map(Address::parseAddress)
                        .toList(),
                config.rabbitmq().describe());
        return new BrokerSession(
                broker,
                new TopologySettings(config.exchange(), config.unroutedMaxLength(), config.queueTypeValue()),
                status,
                metrics);
    }

    @Bean
    ConfirmingPublisher confirmingPublisher(
            OutboxProperties config, BrokerSession broker, StopSignal stop, MessageFactory messages) {
        return new ConfirmingPublisher(
                broker,
                new ConfirmSettings(config.confirmTimeout(), config.publishWindow()),
                new Backoff(config.retryBackoff(), config.maxRetryBackoff()),
                stop,
                messages::deadLetter);
    }

    @Bean
    @ConditionalOnMissingBean
    RelayExit relayExit() {
        // System.exit runs the shutdown hooks, which stop the supervisor: call it from a thread of its own.
        return code -> new Thread(() -> System.exit(code), "outbox-relay-exit").start();
    }

    /** The supervisor and the pieces it runs: start-up, standby election, engine runner (see each class). */
    @Bean
    RelaySupervisor relaySupervisor(
            OutboxProperties config,
            PgConnections connections,
            MessageFactory messages,
            BrokerSession broker,
            ConfirmingPublisher publisher,
            RelayStatus status,
            RelayMetrics metrics,
            StopSignal stop,
            RelayExit exit) {
        Batches batches = new Batches(
                publisher::publish,
                metrics,
                config.maxBatchSize(),
                config.maxBatchBytes().toBytes());
        LeaseTimeouts timeouts = new LeaseTimeouts(config.leaseTimeout());
        StandbyElection election = new StandbyElection(
                new SlotLease(connections, config.slot(), timeouts), config.slot(), config.standbyRetryInterval());
        Startup startup = new RelayStartup(
                connections,
                new StartupChecks(config),
                config.offsetTableName(),
                broker,
                new CutOver(config, connections, messages, batches));
        Streaming engine = new EngineRunner(
                config,
                connections,
                (topic, offsets, stopping) ->
                        new OutboxChangeConsumer(topic, messages, batches, stop, offsets, stopping),
                EngineFactory.DEBEZIUM,
                new LeaseWatchdog(election::isLeading, timeouts.checkInterval()),
                stop);
        return new RelaySupervisor(
                startup,
                election,
                engine,
                new Setbacks(config),
                new Backoff(config.retryBackoff(), config.maxRetryBackoff()),
                status,
                stop,
                exit);
    }

    /** Only in the training start of {@code scripts/relay-cds.sh}: see {@link ClassDataTraining}. */
    @Bean
    @ConditionalOnProperty(name = "outbox.cds-training", havingValue = "true")
    String classDataTraining(OutboxProperties config) {
        ClassDataTraining.loadRelayClasses(config);
        return "relay classes loaded";
    }

    @Bean
    SlotLagMonitor slotLagMonitor(OutboxProperties config, PgConnections connections, RelayMetrics metrics) {
        return new SlotLagMonitor(config, connections, metrics);
    }

    /**
     * Starts the relay at once (see {@link RelayLifecycle}), except in the training start of
     * {@code scripts/relay-cds.sh}, which must contact nothing.
     */
    @Bean
    RelayLifecycle relayLifecycle(
            RelaySupervisor supervisor,
            SlotLagMonitor slotLag,
            OutboxProperties config,
            @Value("${outbox.cds-training:false}") boolean training) {
        RelayLifecycle lifecycle = new RelayLifecycle(supervisor, slotLag, config);
        if (!training) {
            lifecycle.start();
        }
        return lifecycle;
    }

    /** A connection factory for the configured URI; {@code amqps://} verifies the certificate and host name. */
    static ConnectionFactory connectionFactory(OutboxProperties.Rabbitmq rabbitmq) {
        ConnectionFactory factory = new ConnectionFactory();
        try {
            factory.setUri(rabbitmq.uri());
            if (rabbitmq.uri().startsWith("amqps://")) {
                // setUri trusts every certificate for amqps; use the JVM's trust store (javax.net.ssl.trustStore)
                // instead.
                factory.useSslProtocol(SSLContext.getDefault());
                factory.enableHostnameVerification();
            }
        } catch (URISyntaxException | GeneralSecurityException | IllegalArgumentException e) {
            // Not e.getMessage() and not e as the cause: the client's messages repeat the URI, password included.
            throw new InvalidSettingException(
                    "outbox.rabbitmq.uri",
                    Secrets.maskUri(rabbitmq.uri()),
                    "is not a valid AMQP URI (" + e.getClass().getSimpleName() + "); percent-encode special characters"
                            + " in the user name, password and virtual host");
        }
        factory.setAutomaticRecoveryEnabled(false);
        factory.setTopologyRecoveryEnabled(false);
        factory.setConnectionTimeout(10_000);
        factory.setRequestedHeartbeat(30);
        return factory;
    }
}
