package dev.quayside.board.config;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/** The operator token: the board's actions require it, and the board forwards it to git-watcher's sync. */
@ConfigMapping(prefix = "quayside.operator")
public interface OperatorConfig {

    /** The bearer token operators send ({@code Authorization: Bearer <token>}); without it every action is refused. */
    Optional<String> token();
}
