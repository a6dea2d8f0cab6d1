package dev.outboxcdc.examples.personnel;

import java.math.BigDecimal;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The personnel service's HTTP API. */
@RestController
class PersonnelController {

    record HireRequest(String name, BigDecimal salary) {}

    record ApprovalRequest(UUID employeeId, String subject) {}

    record BudgetRequest(String department, BigDecimal amount) {}

    record AssetRequest(UUID employeeId, String asset) {}

    private final PersonnelService personnel;

    PersonnelController(PersonnelService personnel) {
        this.personnel = personnel;
    }

    @PostMapping("/employees")
    @ResponseStatus(HttpStatus.CREATED)
    PersonnelService.EmployeeCreated hire(@RequestBody HireRequest request) {
        return personnel.hire(request.name(), request.salary());
    }

    @PostMapping("/approvals")
    @ResponseStatus(HttpStatus.CREATED)
    PersonnelService.ApprovalRequested requestApproval(@RequestBody ApprovalRequest request) {
        return personnel.requestApproval(request.employeeId(), request.subject());
    }

    @PostMapping("/budgets")
    @ResponseStatus(HttpStatus.CREATED)
    PersonnelService.BudgetApproved approveBudget(@RequestBody BudgetRequest request) {
        return personnel.approveBudget(request.department(), request.amount());
    }

    @PostMapping("/assets")
    @ResponseStatus(HttpStatus.CREATED)
    PersonnelService.AssetAssigned assignAsset(@RequestBody AssetRequest request) {
        return personnel.assignAsset(request.employeeId(), request.asset());
    }
}
