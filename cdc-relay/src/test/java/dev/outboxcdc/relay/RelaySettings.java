package dev.outboxcdc.relay;

import dev.outboxcdc.testsupport.RabbitEndpoint;
import dev.outboxcdc.testsupport.TestDatabase;
import dev.outboxcdc.testsupport.UniqueNames;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The configuration of one relay under test, isolated by its own database, slot, publication and
 * exchange. Rendered as Spring properties for an in-process relay and as the documented
 * {@code OUTBOX_*} environment variables for a relay process.
 */
public final class RelaySettings {

    private final Map<String, String> properties = new LinkedHashMap<>();
    private final String slot;
    private final String exchange;

    private RelaySettings(TestDatabase db, RabbitEndpoint rabbit) {
        slot = UniqueNames.of("slot");
        exchange = UniqueNames.of("outbox.events.test");
        properties.put("outbox.db.host", db.server().host());
        properties.put("outbox.db.port", String.valueOf(db.server().port()));
        properties.put("outbox.db.name", db.name());
        properties.put("outbox.db.user", db.server().user());
        properties.put("outbox.db.password", db.server().password());
        properties.put("outbox.slot", slot);
        properties.put("outbox.publication", UniqueNames.of("pub"));
        properties.put("outbox.rabbitmq.uri", rabbit.uri());
        properties.put("outbox.exchange", exchange);
        properties.put("outbox.retry-backoff", "200ms");
        properties.put("outbox.max-retry-backoff", "2s");
    }

    /** Settings for a relay on {@code db} publishing to a fresh exchange on {@code rabbit}. */
    public static RelaySettings of(TestDatabase db, RabbitEndpoint rabbit) {
        return new RelaySettings(db, rabbit);
    }

    /** Sets any {@code outbox.*} (or other Spring) property. */
    public RelaySettings with(String property, String value) {
        properties.put(property, value);
        return this;
    }

    /** The slot name. */
    public String slot() {
        return slot;
    }

    /** The exchange name. */
    public String exchange() {
        return exchange;
    }

    /** As Spring properties. */
    public Map<String, String> properties() {
        return Map.copyOf(properties);
    }

    /** As environment variables, named as the README documents them (relaxed binding). */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        properties.forEach((key, value) ->
                env.put(key.toUpperCase(Locale.ROOT).replace('.', '_').replace("-", ""), value));
        return env;
    }
}
