package dev.quayside.imagebuilder.client;

/**
 * The commit itself cannot be built (bad Dockerfile, a failing {@code RUN}, missing commit or file, invalid
 * settings): never retried, reported as a build {@code failure} with this message.
 */
public class BuildFailedException extends RuntimeException {

    public BuildFailedException(String message) {
        super(message);
    }

    public BuildFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
