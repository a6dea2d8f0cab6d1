package dev.outboxcdc.consumer.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** spring.rabbitmq.addresses entries are read as Spring Boot reads them. */
class SpringRabbitAddressTest {

    @Test
    void readsAFullAmqpsEntry() {
        assertThat(SpringRabbitAddress.parse(" amqps://payroll:p:w@mq1:5999/hr ", false))
                .isEqualTo(new SpringRabbitAddress("mq1", 5999, "payroll", "p:w", "hr", true));
    }

    @Test
    void defaultsThePortByTheSchemeOrTheSslSetting() {
        assertThat(SpringRabbitAddress.parse("mq1", false).port()).isEqualTo(5672);
        assertThat(SpringRabbitAddress.parse("mq1", true).port()).isEqualTo(5671);
        assertThat(SpringRabbitAddress.parse("amqps://mq1", false).port()).isEqualTo(5671);
        assertThat(SpringRabbitAddress.parse("amqp://mq1", true).port()).isEqualTo(5672);
        assertThat(SpringRabbitAddress.parse("mq1:5680", false))
                .isEqualTo(new SpringRabbitAddress("mq1", 5680, null, null, null, null));
    }

    @Test
    void anEmptyVirtualHostIsTheDefaultOneAndIpv6HostsKeepTheirBrackets() {
        assertThat(SpringRabbitAddress.parse("mq1:5672/", false).virtualHost()).isEqualTo("/");
        assertThat(SpringRabbitAddress.parse("[::1]:5673", false))
                .extracting(SpringRabbitAddress::host, SpringRabbitAddress::port)
                .containsExactly("[::1]", 5673);
    }

    @Test
    void aBadEntryIsRefusedWithoutItsPassword() {
        assertThatThrownBy(() -> SpringRabbitAddress.parse("amqp://payroll:s3cr3t@mq1:x", false))
                .hasMessageContaining("spring.rabbitmq.addresses entry 'amqp://payroll:****@mq1:x'")
                .hasMessageNotContaining("s3cr3t");
        assertThatThrownBy(() -> SpringRabbitAddress.parse("payroll:s3cr3t@:5672", false))
                .hasMessageNotContaining("s3cr3t");
        assertThat(SpringRabbitAddress.parse("amqp://payroll:s3cr3t@mq1", false).toString())
                .doesNotContain("s3cr3t");
    }
}
