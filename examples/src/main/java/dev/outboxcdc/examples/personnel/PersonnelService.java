package dev.outboxcdc.examples.personnel;

import dev.outboxcdc.writer.OutboxEvent;
import dev.outboxcdc.writer.spring.TransactionalOutboxWriter;
import java.math.BigDecimal;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Business changes and their events, each pair in one transaction. */
@Service
public class PersonnelService {

    /** Payload of employee.created. */
    public record EmployeeCreated(UUID id, String name, BigDecimal salary) {}

    /** Payload of approval.requested. */
    public record ApprovalRequested(UUID approvalId, UUID employeeId, String subject) {}

    /** Payload of budget.approved. */
    public record BudgetApproved(UUID budgetId, String department, BigDecimal amount) {}

    /** Payload of asset.assigned. */
    public record AssetAssigned(UUID assignmentId, UUID employeeId, String asset) {}

    private final JdbcTemplate jdbc;
    private final TransactionalOutboxWriter outbox;

    PersonnelService(JdbcTemplate jdbc, TransactionalOutboxWriter outbox) {
        this.jdbc = jdbc;
        this.outbox = outbox;
    }

    /** Inserts the employee and writes employee.created, in one transaction. */
    @Transactional
    public EmployeeCreated hire(String name, BigDecimal salary) {
        EmployeeCreated employee = new EmployeeCreated(UUID.randomUUID(), name, salary);
        jdbc.update("INSERT INTO employees (id, name, salary) VALUES (?, ?, ?)", employee.id(), name, salary);
        outbox.write(OutboxEvent.of("employee.created", employee)
                .withAggregate("Employee", employee.id().toString()));
        return employee;
    }

    /** Writes approval.requested. */
    @Transactional
    public ApprovalRequested requestApproval(UUID employeeId, String subject) {
        ApprovalRequested approval = new ApprovalRequested(UUID.randomUUID(), employeeId, subject);
        outbox.write(OutboxEvent.of("approval.requested", approval).withAggregate("Employee", employeeId.toString()));
        return approval;
    }

    /** Writes budget.approved. */
    @Transactional
    public BudgetApproved approveBudget(String department, BigDecimal amount) {
        BudgetApproved budget = new BudgetApproved(UUID.randomUUID(), department, amount);
        outbox.write(OutboxEvent.of("budget.approved", budget)
                .withAggregate("Budget", budget.budgetId().toString()));
        return budget;
    }

    /** Writes asset.assigned. */
    @Transactional
    public AssetAssigned assignAsset(UUID employeeId, String asset) {
        AssetAssigned assignment = new AssetAssigned(UUID.randomUUID(), employeeId, asset);
        outbox.write(OutboxEvent.of("asset.assigned", assignment).withAggregate("Employee", employeeId.toString()));
        return assignment;
    }
}
