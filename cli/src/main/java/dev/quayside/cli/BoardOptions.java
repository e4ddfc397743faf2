package dev.quayside.cli;

import dev.quayside.cli.client.BoardClient;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/** Options every command takes: where the board is, JSON output, colour. */
final class BoardOptions {

    /** Where the board is when neither --board nor QUAYSIDE_BOARD says. */
    static final String DEFAULT_BOARD = "http://127.0.0.1:8088";

    enum ColorMode { auto, always, never }

    @Option(names = "--board", paramLabel = "URL",
            description = "The board's address (default: $QUAYSIDE_BOARD, else " + DEFAULT_BOARD + ").")
    String board;

    @Option(names = "--json", description = "Print JSON instead of text (streams: one JSON object per line).")
    boolean json;

    @Option(names = "--color", paramLabel = "WHEN", defaultValue = "auto",
            description = "Colour the output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}: only on a terminal, "
                    + "never when NO_COLOR is set).")
    ColorMode color;

    BoardClient client() {
        String url = board != null ? board : System.getenv().getOrDefault("QUAYSIDE_BOARD", DEFAULT_BOARD);
        return new BoardClient(url);
    }

    Output output(PrintWriter out) {
        boolean colour = switch (color) {
            case always -> true;
            case never -> false;
            case auto -> System.console() != null && System.getenv("NO_COLOR") == null
                    && !"dumb".equals(System.getenv("TERM"));
        };
        return new Output(out, colour && !json);
    }
}
