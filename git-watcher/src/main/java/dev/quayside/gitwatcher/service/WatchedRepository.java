package dev.quayside.gitwatcher.service;

import dev.quayside.gitwatcher.config.GitWatcherConfig;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** One configured repository with its branch patterns compiled. */
public final class WatchedRepository {

    private final String name;
    private final GitWatcherConfig.Repository config;
    private final List<Pattern> branches;

    public WatchedRepository(String name, GitWatcherConfig.Repository config) {
        this.name = name;
        this.config = config;
        this.branches = config.branches().stream().map(WatchedRepository::glob).collect(Collectors.toList());
    }

    public String name() {
        return name;
    }

    public GitWatcherConfig.Repository config() {
        return config;
    }

    public String cloneUrl() {
        return config.cloneUrl();
    }

    /** True when {@code branch} (short name) matches one of the configured patterns. */
    public boolean watchesBranch(String branch) {
        return branches.stream().anyMatch(p -> p.matcher(branch).matches());
    }

    /** The webhook secret: this repository's, else the default, else none. */
    public Optional<String> secret(Optional<String> defaultSecret) {
        return config.secret().or(() -> defaultSecret);
    }

    /** A branch glob as a regex: {@code **} any characters, {@code *} any but {@code /}, {@code ?} one but {@code /}. */
    static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                regex.append(".*");
                i++;
            } else if (c == '*') {
                regex.append("[^/]*");
            } else if (c == '?') {
                regex.append("[^/]");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
