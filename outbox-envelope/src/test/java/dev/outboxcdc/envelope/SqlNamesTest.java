package dev.outboxcdc.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class SqlNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"outbox_events", "_private", "t1", "a"})
    void acceptsPlainLowerCaseIdentifiers(String name) {
        assertThat(SqlNames.isPlainIdentifier(name)).isTrue();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"Outbox", "1table", "out-box", "out box", "public.outbox", "\"quoted\"", "tåble"})
    void refusesWhatWouldNeedQuoting(String name) {
        assertThat(SqlNames.isPlainIdentifier(name)).isFalse();
    }

    @Test
    void acceptsUpToPostgresqlsIdentifierLength() {
        assertThat(SqlNames.isPlainIdentifier("a".repeat(63))).isTrue();
        assertThat(SqlNames.isPlainIdentifier("a".repeat(64))).isFalse();
    }
}
