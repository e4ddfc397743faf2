package dev.quayside.imagebuilder.client;

/**
 * An external system (Docker engine, registry, Git remote) could not be reached or failed in a way that may pass:
 * retried with back-off, then reported as a build {@code failure} with this message.
 */
public class InfrastructureException extends RuntimeException {

    public InfrastructureException(String message, Throwable cause) {
        super(message, cause);
    }

    public InfrastructureException(String message) {
        super(message);
    }
}
