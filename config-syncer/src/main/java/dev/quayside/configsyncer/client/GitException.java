package dev.quayside.configsyncer.client;

/** A Git operation failed (network, remote, repository); retryable unless the message says otherwise. */
public class GitException extends Exception {

    public GitException(String message, Throwable cause) {
        super(message, cause);
    }
}
