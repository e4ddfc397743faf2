package dev.quayside.gitwatcher.client;

/** A Git remote could not be listed or fetched. */
public class GitException extends RuntimeException {

    public GitException(String message) {
        super(message);
    }

    public GitException(String message, Throwable cause) {
        super(message, cause);
    }
}
