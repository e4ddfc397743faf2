package dev.quayside.kit.kafka;

/** A compacted-topic map could not be read or written in time: Kafka is unreachable or slow; try again later. */
public class CompactedTopicUnavailableException extends RuntimeException {

    public CompactedTopicUnavailableException(String message) {
        super(message);
    }
}
