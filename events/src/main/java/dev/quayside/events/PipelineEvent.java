package dev.quayside.events;

import java.util.Map;

/**
 * The payload of a Quayside event: published as the CDEvent's {@code customData}. Each implementation is a record
 * named in the past tense, and knows the CDEvent subject it describes and the Kafka key it is published under.
 */
public interface PipelineEvent {

    /** The CDEvents {@code subject.id}. */
    String subjectId();

    /** The CDEvents {@code subject.content}, restricted to the fields the type's schema allows. */
    default Map<String, Object> subjectContent() {
        return Map.of();
    }

    /** The Kafka record key (see {@code events.md}): it keeps one app's or repository's events in order. */
    String partitionKey();
}
