package dev.outboxcdc.examples.accounting;

import dev.outboxcdc.consumer.Subscription;
import java.util.UUID;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

/** The accounting service: books every approved budget (queue {@code accounting.budget.approved}). */
@SpringBootApplication
public class AccountingApplication {

    public static void main(String[] args) {
        SpringApplication.run(AccountingApplication.class, args);
    }

    @Bean
    Subscription budgetApproved(JdbcTemplate jdbc) {
        return Subscription.to(
                (event, connection) -> jdbc.update(
                        "INSERT INTO ledger_entries (budget_id, department, amount) VALUES (?, ?, ?)",
                        UUID.fromString(event.data().get("budgetId").textValue()),
                        event.data().get("department").textValue(),
                        event.data().get("amount").decimalValue()),
                "budget.approved");
    }
}
