package dev.quayside.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quayside.cli.client.BoardClient;
import dev.quayside.cli.client.BoardException;
import picocli.CommandLine.Option;

/** The operator token of an action ({@code --token}, else {@code $QUAYSIDE_OPERATOR_TOKEN}), and the action's POST. */
final class OperatorToken {

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "The operator token (default: $QUAYSIDE_OPERATOR_TOKEN).")
    String token;

    /** {@code POST path} with the token and {@code body} (null: none); the board's JSON answer. */
    JsonNode post(BoardClient client, String action, String path, JsonNode body) {
        String operatorToken = token != null ? token : System.getenv("QUAYSIDE_OPERATOR_TOKEN");
        if (operatorToken == null || operatorToken.isBlank()) {
            throw new BoardException(ExitCodes.UNAUTHORIZED,
                    action + " needs the operator token: --token or QUAYSIDE_OPERATOR_TOKEN");
        }
        try {
            return client.post(path, operatorToken, body);
        } catch (BoardException e) {
            if (e.exitCode() != ExitCodes.UNAUTHORIZED) {
                throw e;
            }
            // the board answers a missing and a wrong token alike; this one was sent
            throw new BoardException(ExitCodes.UNAUTHORIZED,
                    "the board refused the operator token (not the one it is configured with): " + e.getMessage());
        }
    }
}
