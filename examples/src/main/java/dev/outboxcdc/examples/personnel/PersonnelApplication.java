package dev.outboxcdc.examples.personnel;

import dev.outboxcdc.consumer.Subscription;
import java.util.UUID;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The personnel service: hires employees and writes {@code employee.created} in the same transaction
 * (outbox-writer); the back-office requests it serves also write {@code approval.requested},
 * {@code budget.approved} and {@code asset.assigned}. It consumes {@code asset.assigned} itself to
 * record the employee's equipment (consumer-support, queue {@code personnel.asset.assigned}).
 */
@SpringBootApplication
public class PersonnelApplication {

    public static void main(String[] args) {
        SpringApplication.run(PersonnelApplication.class, args);
    }

    @Bean
    Subscription assetAssigned(JdbcTemplate jdbc) {
        return Subscription.to(
                (event, connection) -> jdbc.update(
                        "INSERT INTO employee_assets (assignment_id, employee_id, asset) VALUES (?, ?, ?)",
                        UUID.fromString(event.data().get("assignmentId").textValue()),
                        UUID.fromString(event.data().get("employeeId").textValue()),
                        event.data().get("asset").textValue()),
                "asset.assigned");
    }
}
