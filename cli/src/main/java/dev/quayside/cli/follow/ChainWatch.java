package dev.quayside.cli.follow;

import dev.quayside.cli.ExitCodes;
import dev.quayside.cli.api.Api;
import dev.quayside.cli.client.BoardClient;
import dev.quayside.cli.client.BoardException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Follows one chain through the pipeline over the board's stream and says, through a {@link Listener}, each stage
 * as it starts and ends, until the chain reaches a final status or the deadline passes. A dropped stream is opened
 * again (the board sends the chain's whole state first, so nothing is missed). No terminal, no printing: the
 * {@code quayside follow} command prints what it is told; {@code bin/quayside up} can do the same.
 */
public final class ChainWatch {

    /** What a follower is told. Every method has a default that does nothing. */
    public interface Listener {

        /** The chain was found (its first state), or its state changed. */
        default void chain(Api.Chain chain) {
        }

        /** A stage is shown for the first time not pending, or its state changed (e.g. running to succeeded). */
        default void stage(Api.Stage stage, Api.Chain chain) {
        }

        /** The stream dropped and is being opened again. */
        default void reconnecting(String reason) {
        }
    }

    /** How a follow ended. */
    public enum Result {
        /** The chain went live, or ended with nothing to deploy (unchanged, synced, deleted). */
        SUCCEEDED(ExitCodes.OK),
        /** A stage failed. */
        FAILED(ExitCodes.FAILED),
        /** A newer commit's build replaced this one's. */
        SUPERSEDED(ExitCodes.SUPERSEDED),
        /** No final status before the deadline. */
        TIMED_OUT(ExitCodes.TIMED_OUT);

        private final int exitCode;

        Result(int exitCode) {
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    /**
     * The end of a follow.
     *
     * @param chain  the chain's last state, or null when it never appeared
     * @param reason why it failed or timed out, or null
     */
    public record Outcome(Result result, Api.Chain chain, String reason, Duration elapsed) {

        public int exitCode() {
            return result.exitCode();
        }
    }

    private static final Duration RECONNECT_PAUSE = Duration.ofMillis(500);

    private final BoardClient board;

    public ChainWatch(BoardClient board) {
        this.board = board;
    }

    /**
     * Follows {@code target} until its chain ends or {@code timeout} passes. Throws {@link BoardException} when the
     * board cannot be reached at the start or calls the target unknown; a board lost later is retried until the
     * deadline.
     */
    public Outcome follow(Target target, Duration timeout, Listener listener) {
        Instant start = Instant.now();
        Instant deadline = start.plus(timeout);
        Map<String, String> states = new HashMap<>();
        Api.Chain[] last = {null};
        String[] problem = {null};
        boolean connectedOnce = false;
        Target current = target;
        while (Instant.now().isBefore(deadline)) {
            try {
                Target followed = current;
                board.stream(followed.streamPath(), deadline, (name, data) -> {
                    if (!"chain".equals(name)) {
                        return true;
                    }
                    Api.Chain chain = BoardClient.parse(data, Api.Chain.class);
                    last[0] = chain;
                    listener.chain(chain);
                    report(chain, states, listener);
                    return !chain.finished() && Instant.now().isBefore(deadline);
                });
                connectedOnce = true;
                if (last[0] != null && last[0].finished()) {
                    return outcome(last[0], start);
                }
                problem[0] = last[0] == null ? "no chain of " + target + " appeared" : "the stream ended early";
            } catch (BoardException e) {
                if (!connectedOnce || e.exitCode() == ExitCodes.NOT_FOUND || e.exitCode() == ExitCodes.USAGE) {
                    throw e;
                }
                problem[0] = e.getMessage();
            }
            if (last[0] != null) {
                // once found, follow the chain itself: a newer push of the same commit must not take its place
                current = Target.chain(last[0].id());
            }
            if (!Instant.now().isBefore(deadline)) {
                break;
            }
            listener.reconnecting(problem[0]);
            sleep(RECONNECT_PAUSE);
        }
        String reason = last[0] == null ? "no chain of " + target + " appeared within " + format(timeout)
                : "not finished within " + format(timeout) + " (status " + last[0].status() + ")";
        return new Outcome(Result.TIMED_OUT, last[0], reason, Duration.between(start, Instant.now()));
    }

    /**
     * Tells the stage changes in pipeline order: the board reads each topic on its own, so a later stage may be done
     * before an earlier one is known; a stage is told only once every stage before it has ended (or the chain has).
     */
    private static void report(Api.Chain chain, Map<String, String> told, Listener listener) {
        for (Api.Stage stage : chain.stagesOrEmpty()) {
            boolean ended = ENDED.contains(stage.state());
            if (!"pending".equals(stage.state()) && !stage.state().equals(told.get(stage.key()))) {
                told.put(stage.key(), stage.state());
                listener.stage(stage, chain);
            }
            if (!ended && !chain.finished()) {
                return;
            }
        }
    }

    private static final java.util.Set<String> ENDED = java.util.Set.of("succeeded", "failed", "skipped");

    private static Outcome outcome(Api.Chain chain, Instant start) {
        Duration elapsed = Duration.between(start, Instant.now());
        return switch (chain.status()) {
            // a suspended app's chain is not live: as before the board told it apart, it ends the follow as failed
            case "failed", "suspended" -> new Outcome(Result.FAILED, chain, chain.statusReason(), elapsed);
            case "superseded" -> new Outcome(Result.SUPERSEDED, chain, chain.statusReason() != null
                    ? chain.statusReason() : "a newer commit's build replaced this one", elapsed);
            default -> new Outcome(Result.SUCCEEDED, chain, null, elapsed);
        };
    }

    static String format(Duration d) {
        return d.toSeconds() < 120 ? d.toSeconds() + " s" : d.toMinutes() + " min";
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BoardException(ExitCodes.UNAVAILABLE, "interrupted");
        }
    }
}
