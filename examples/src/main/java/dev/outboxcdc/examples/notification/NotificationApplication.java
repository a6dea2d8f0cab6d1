package dev.outboxcdc.examples.notification;

import dev.outboxcdc.consumer.Subscription;
import java.util.UUID;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

/** The notification service: notifies approvers of every requested approval (queue {@code notification.approval.requested}). */
@SpringBootApplication
public class NotificationApplication {

    public static void main(String[] args) {
        SpringApplication.run(NotificationApplication.class, args);
    }

    @Bean
    Subscription approvalRequested(JdbcTemplate jdbc) {
        return Subscription.to(
                (event, connection) -> jdbc.update(
                        "INSERT INTO notifications (approval_id, employee_id, subject) VALUES (?, ?, ?)",
                        UUID.fromString(event.data().get("approvalId").textValue()),
                        UUID.fromString(event.data().get("employeeId").textValue()),
                        event.data().get("subject").textValue()),
                "approval.requested");
    }
}
