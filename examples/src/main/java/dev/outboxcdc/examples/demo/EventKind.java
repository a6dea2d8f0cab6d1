package dev.outboxcdc.examples.demo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** The demo's four flows: the personnel API path that writes the event, its type, and the consumer that applies it. */
enum EventKind {
    EMPLOYEE("/employees", "employee.created", "payroll"),
    APPROVAL("/approvals", "approval.requested", "notification"),
    BUDGET("/budgets", "budget.approved", "accounting"),
    ASSET("/assets", "asset.assigned", "personnel");

    private final String path;
    private final String eventType;
    private final String consumer;

    EventKind(String path, String eventType, String consumer) {
        this.path = path;
        this.eventType = eventType;
        this.consumer = consumer;
    }

    String path() {
        return path;
    }

    String eventType() {
        return eventType;
    }

    String consumer() {
        return consumer;
    }

    /** The queue its consumer reads. */
    String queue() {
        return consumer + "." + eventType;
    }

    /** How many of this kind go with {@code employees} new employees: a fifth as many approvals, a tenth budgets, a quarter assets. */
    int countFor(int employees) {
        return switch (this) {
            case EMPLOYEE -> employees;
            case APPROVAL -> Math.max(1, employees / 5);
            case BUDGET -> Math.max(1, employees / 10);
            case ASSET -> Math.max(1, employees / 4);
        };
    }

    /** The requests that go with {@code employees} new employees, interleaved as a day's traffic would be (seeded). */
    static List<EventKind> mix(int employees, long seed) {
        List<EventKind> kinds = new ArrayList<>();
        for (EventKind kind : values()) {
            kinds.addAll(Collections.nCopies(kind.countFor(employees), kind));
        }
        Collections.shuffle(kinds, new Random(seed));
        return kinds;
    }
}
