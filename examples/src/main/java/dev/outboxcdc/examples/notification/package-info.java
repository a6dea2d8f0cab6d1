/** Example consumer that notifies approvers of every requested approval. */
package dev.outboxcdc.examples.notification;
