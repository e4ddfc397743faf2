/**
 * Durable state in Kafka for services that keep no database: {@link dev.quayside.kit.kafka.CompactedTopicMap}, a string
 * map kept in a compacted topic and read back into memory by every instance.
 *
 * <p>Open one through the {@link dev.quayside.kit.kafka.CompactedTopicMaps} bean, so that its clients use the service's
 * {@code kafka.*} configuration (bootstrap servers, SASL/SCRAM, TLS):
 *
 * <pre>{@code
 * CompactedTopicMap sent = maps.open(CompactedTopicMap.Options.of("quayside.notifier.sent")
 *         .withRetention(key -> Duration.ofDays(7), Duration.ofMinutes(10)), null);
 * sent.whenCaughtUp();                                   // readiness: sent.health().ready()
 * sent.value(eventId + "|" + channel);                   // what this or another instance recorded
 * sent.put(eventId, eventId + "|" + channel, "sent");    // completes on the broker's ack
 * }</pre>
 *
 * A {@link dev.quayside.kit.kafka.CompactedTopicMap.Listener} sees every record in log order (git-watcher's claims are
 * decided that way), {@code awaitApplied}/{@code awaitOwnWrites} give read-your-writes, and a retention per key makes
 * old entries disappear (tombstoned, then compacted away). Logic of a stage (claims, heads, what "sent" means) stays in
 * the stage's own {@code client/}.
 */
package dev.quayside.kit.kafka;
