/** Example consumer that books every approved budget. */
package dev.outboxcdc.examples.accounting;
