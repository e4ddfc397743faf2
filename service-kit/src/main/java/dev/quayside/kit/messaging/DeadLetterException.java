package dev.quayside.kit.messaging;

/**
 * Why a record goes to the dead-letter topic: its message is the {@code dead-letter-reason} header, its cause (if any)
 * the {@code dead-letter-cause}.
 */
public class DeadLetterException extends RuntimeException {

    DeadLetterException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
