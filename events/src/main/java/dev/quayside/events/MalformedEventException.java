package dev.quayside.events;

/** A record that is not a valid Quayside event. Terminal: retrying cannot fix it, so it goes to the dead-letter topic. */
public class MalformedEventException extends RuntimeException {

    public MalformedEventException(String message) {
        super(message);
    }

    public MalformedEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
