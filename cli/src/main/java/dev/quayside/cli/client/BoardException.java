package dev.quayside.cli.client;

import dev.quayside.cli.ExitCodes;

/** The board could not be asked, or answered with an error: the message says which, the exit code what kind. */
public class BoardException extends RuntimeException {

    private final int exitCode;

    public BoardException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public BoardException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
