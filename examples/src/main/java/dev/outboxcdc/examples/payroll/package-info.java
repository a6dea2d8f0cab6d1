/** Example consumer that creates the payroll record of every new employee, exactly once in effect. */
package dev.outboxcdc.examples.payroll;
