package dev.outboxcdc.examples.payroll;

import dev.outboxcdc.consumer.Subscription;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.UUID;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The payroll service: creates the payroll record of every new employee, exactly once in effect
 * (consumer-support, queue {@code payroll.employee.created}).
 */
@SpringBootApplication
public class PayrollApplication {

    public static void main(String[] args) {
        SpringApplication.run(PayrollApplication.class, args);
    }

    @Bean
    Subscription employeeCreated(JdbcTemplate jdbc) {
        return Subscription.to(
                        (event, connection) -> {
                            BigDecimal yearly = event.data().get("salary").decimalValue();
                            jdbc.update(
                                    "INSERT INTO payroll_records (employee_id, name, monthly_salary) VALUES (?, ?, ?)",
                                    UUID.fromString(event.data().get("id").textValue()),
                                    event.data().get("name").textValue(),
                                    yearly.divide(BigDecimal.valueOf(12), 2, RoundingMode.HALF_EVEN));
                        },
                        "employee.created")
                .withConcurrency(2)
                .withPrefetch(50);
    }
}
