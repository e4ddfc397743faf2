package dev.quayside.cli;

/** The CLI's exit codes (docs/cli.md lists them). */
public final class ExitCodes {

    /** Done; for {@code follow}: the chain went live (or ended without anything to deploy). */
    public static final int OK = 0;
    /** {@code follow}: a stage failed (build, config write-back, sync, deployment). */
    public static final int FAILED = 1;
    /** Bad arguments or options (also a request the board called bad). */
    public static final int USAGE = 2;
    /** No such app, chain, build, environment or repository. */
    public static final int NOT_FOUND = 3;
    /** {@code follow}: the chain did not end within {@code --timeout}. */
    public static final int TIMED_OUT = 4;
    /** {@code follow}: a newer commit's build replaced this one's; it will not go live. */
    public static final int SUPERSEDED = 5;
    /** The board did not answer, or answered with a server error (also git-watcher, for {@code sync}). */
    public static final int UNAVAILABLE = 6;
    /** An action without the operator token, or with a wrong one. */
    public static final int UNAUTHORIZED = 7;
    /**
     * A conflict: {@code approve}/{@code reject}: the promotion waiting is for another image than the one named;
     * {@code resume}: suspended in quayside.yml itself; {@code rollback}: suspended, or at that version already.
     */
    public static final int CONFLICT = 8;

    private ExitCodes() {
    }
}
