package dev.quayside.cli.follow;

import dev.quayside.cli.ExitCodes;
import dev.quayside.cli.client.BoardClient;
import dev.quayside.cli.client.BoardException;
import java.util.regex.Pattern;

/**
 * What to follow: a chain by its id, or the newest chain of a repository's commit ({@code REPO@COMMIT}, the commit at
 * least 4 hex digits), also one that has not been pushed yet.
 */
public record Target(String chainId, String repository, String commit) {

    private static final Pattern COMMIT = Pattern.compile("[0-9a-fA-F]{4,40}");

    public static Target chain(String chainId) {
        return new Target(chainId, null, null);
    }

    public static Target commit(String repository, String commit) {
        if (repository == null || repository.isBlank() || commit == null || !COMMIT.matcher(commit).matches()) {
            throw new BoardException(ExitCodes.USAGE, "expected REPO@COMMIT with a commit of 4 to 40 hex digits, not "
                    + repository + "@" + commit);
        }
        return new Target(null, repository, commit.toLowerCase());
    }

    /** {@code REPO@COMMIT} or a chain id. */
    public static Target parse(String text) {
        int at = text.lastIndexOf('@');
        return at < 0 ? chain(text) : commit(text.substring(0, at), text.substring(at + 1));
    }

    /** The board's stream for this target. */
    String streamPath() {
        return chainId != null ? "api/chains/" + BoardClient.encode(chainId) + "/stream"
                : "api/chains/stream?repo=" + BoardClient.encode(repository) + "&commit=" + commit;
    }

    @Override
    public String toString() {
        return chainId != null ? "chain " + chainId : repository + "@" + commit;
    }
}
