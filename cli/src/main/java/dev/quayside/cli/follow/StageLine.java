package dev.quayside.cli.follow;

import dev.quayside.cli.api.Api;
import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;

/**
 * One line per stage change, as {@code quayside follow} prints it: the time since the push, the stage, its state and
 * what it did, e.g. {@code "  +10.40s  build            succeeded  success in 8.4 s"}. Plain text; a caller that
 * writes to a terminal may colour the state.
 */
public final class StageLine {

    private StageLine() {
    }

    /**
     * The line for {@code stage} of {@code chain}; {@code start} stands for the push time when the chain has none,
     * {@code state} dresses the state word (e.g. colours it; {@link UnaryOperator#identity()} for plain text).
     */
    public static String format(Api.Stage stage, Api.Chain chain, Instant start, UnaryOperator<String> state) {
        Instant t0 = chain.pushedAt() != null ? chain.pushedAt() : start;
        Instant at = stage.endedAt() != null ? stage.endedAt() : stage.startedAt() != null ? stage.startedAt()
                : Instant.now();
        String offset = String.format("+%.2fs", Duration.between(t0, at).toMillis() / 1000.0);
        String label = stage.name() + ("running".equals(stage.state()) ? " …" : "");
        return String.format("%9s  %-16s %s  %s", offset, label, state.apply(stage.state()),
                stage.summary() == null ? "" : stage.summary());
    }
}
