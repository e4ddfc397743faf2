package dev.quayside.gitwatcher.client;

/** Kafka did not take an event or a de-duplication record in time: nothing was emitted; the sender should retry. */
public class KafkaUnavailableException extends RuntimeException {

    public KafkaUnavailableException(String message) {
        super(message);
    }
}
