package dev.quayside.configsyncer.client;

import dev.quayside.kit.security.Urls;

/**
 * A Git operation failed (network, remote, repository); retryable unless the message says otherwise. Credentials
 * written into a URL ({@code https://user:token@host/repo.git} as a {@code clone-url} or a source's {@code url}) are
 * removed from its message and from its causes' messages, which JGit fills with the URL: neither a log line, a FAILED
 * reason nor a dead letter's stack trace carries them.
 */
public class GitException extends Exception {

    public GitException(String message, Throwable cause) {
        super(Urls.redactAll(message), redacted(cause));
    }

    /**
     * {@code cause} itself when no message in its chain carries user info; otherwise a copy of the chain with redacted
     * messages and the same class names and stack traces.
     */
    static Throwable redacted(Throwable cause) {
        boolean clean = true;
        for (Throwable t = cause; t != null && clean; t = t.getCause()) {
            clean = t.getMessage() == null || t.getMessage().equals(Urls.redactAll(t.getMessage()));
        }
        return clean ? cause : copy(cause);
    }

    private static Throwable copy(Throwable t) {
        if (t == null) {
            return null;
        }
        Redacted copy = new Redacted(t.getClass().getName()
                + (t.getMessage() == null ? "" : ": " + Urls.redactAll(t.getMessage())), copy(t.getCause()));
        copy.setStackTrace(t.getStackTrace());
        return copy;
    }

    /** A cause whose message had credentials: its class name and redacted message. */
    private static final class Redacted extends Exception {
        Redacted(String description, Throwable cause) {
            super(description, cause);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }
}
