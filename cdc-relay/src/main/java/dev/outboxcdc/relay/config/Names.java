package dev.outboxcdc.relay.config;

import dev.outboxcdc.envelope.OutboxAmqp;
import dev.outboxcdc.envelope.SqlNames;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Validation of the names the relay puts into SQL and AMQP. Names are restricted to plain,
 * lower-case identifiers so they never need quoting and mean the same in SQL, in Debezium's
 * include lists and in PostgreSQL's catalogs.
 */
final class Names {

    /** PostgreSQL truncates identifiers longer than this. */
    static final int MAX_IDENTIFIER_LENGTH = SqlNames.MAX_IDENTIFIER_LENGTH;

    private static final Pattern SLOT = Pattern.compile("[a-z0-9_]+");

    private Names() {}

    static void requireIdentifier(String property, String value) {
        if (!SqlNames.isPlainIdentifier(value)) {
            throw new InvalidSettingException(
                    property, value, "is not a valid identifier: use " + SqlNames.IDENTIFIER_RULE);
        }
    }

    static void requireQualifiedName(String property, String value) {
        if (value == null) {
            throw new InvalidSettingException(property, null, "must be set as table or schema.table");
        }
        String[] parts = value.split("\\.", -1);
        if (parts.length > 2) {
            throw new InvalidSettingException(property, value, "must be table or schema.table");
        }
        for (String part : parts) {
            if (!SqlNames.isPlainIdentifier(part)) {
                throw new InvalidSettingException(
                        property,
                        value,
                        "is not a valid table name: use table or schema.table, each part " + SqlNames.IDENTIFIER_RULE);
            }
        }
    }

    static void requireSlotName(String property, String value) {
        if (value == null
                || value.length() > MAX_IDENTIFIER_LENGTH
                || !SLOT.matcher(value).matches()) {
            throw new InvalidSettingException(
                    property,
                    value,
                    "is not a valid replication slot name: use 1-63 lower-case letters, digits and underscores");
        }
    }

    static void requireExchangeName(String property, String value) {
        if (value == null
                || value.isBlank()
                || value.getBytes(StandardCharsets.UTF_8).length > OutboxAmqp.MAX_SHORT_STRING_BYTES
                || value.startsWith("amq.")) {
            throw new InvalidSettingException(
                    property,
                    value,
                    "is not a usable exchange name: 1-" + OutboxAmqp.MAX_SHORT_STRING_BYTES
                            + " bytes, not starting with the reserved prefix amq.");
        }
    }
}
