package dev.outboxcdc.relay.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outboxcdc.writer.OutboxWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The relay ({@link Names}) and outbox-writer check table names each on their own (the relay does not ship
 * outbox-writer): they must accept and refuse the same names, and explain a refusal with the same rule.
 */
class TableNameRuleTest {

    private static final String RULE =
            "use table or schema.table, each part 1-63 lower-case letters, digits and underscores, not starting with a"
                    + " digit";

    @ParameterizedTest(name = "''{0}''")
    @NullSource
    @ValueSource(
            strings = {
                "outbox_events",
                "public.outbox_events",
                "_outbox",
                "billing2.outbox_2",
                "a23456789012345678901234567890123456789012345678901234567890123",
                "a234567890123456789012345678901234567890123456789012345678901234",
                "public.a234567890123456789012345678901234567890123456789012345678901234",
                "Outbox",
                "public.Outbox",
                "2outbox",
                "a.b.c",
                "outbox;drop",
                "outbox events",
                "outbox-events",
                "öutbox",
                "",
                ".",
                "public.",
                ".outbox"
            })
    void theRelayAndOutboxWriterAcceptTheSameTableNames(String name) {
        assertThat(accepts(() -> Names.requireQualifiedName("outbox.table", name)))
                .isEqualTo(accepts(() -> OutboxWriter.builder().table(name).build()));
    }

    @Test
    void bothExplainARefusedNameWithTheSameRule() {
        assertThatThrownBy(() -> Names.requireQualifiedName("outbox.table", "public.Outbox"))
                .hasMessage("outbox.table='public.Outbox' is not a valid table name: " + RULE);
        assertThatThrownBy(() -> OutboxWriter.builder().table("public.Outbox").build())
                .hasMessage("table 'public.Outbox' is not a valid table name: " + RULE);
    }

    private static boolean accepts(Runnable check) {
        try {
            check.run();
            return true;
        } catch (InvalidSettingException | IllegalArgumentException e) {
            return false;
        }
    }
}
