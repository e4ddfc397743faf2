package dev.quayside.gitwatcher.service;

import dev.quayside.gitwatcher.client.GitRemote;
import dev.quayside.gitwatcher.config.GitWatcherConfig;
import dev.quayside.gitwatcher.config.SecretValues;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** One configured repository: branch patterns compiled, secrets read (from files too), its remote and poll interval. */
public final class WatchedRepository {

    private final String name;
    private final GitWatcherConfig.Repository config;
    private final List<Pattern> branches;
    private final Optional<String> secret;
    private final GitRemote remote;
    private final Optional<Duration> pollInterval;

    /**
     * @throws IllegalStateException when a secret is given twice or its file cannot be read (names the key)
     */
    public WatchedRepository(String name, GitWatcherConfig.Repository config, Duration defaultPollInterval) {
        this.name = name;
        this.config = config;
        this.branches = config.branches().stream().map(WatchedRepository::glob).collect(Collectors.toList());
        String key = "quayside.git-watcher.repositories." + name + ".";
        this.secret = SecretValues.resolve(key + "secret", config.secret(), config.secretFile());
        GitWatcherConfig.Credentials credentials = config.credentials();
        Optional<String> token = SecretValues.resolve(key + "credentials.token", credentials.token(),
                credentials.tokenFile());
        Optional<String> password = SecretValues.resolve(key + "credentials.password", credentials.password(),
                credentials.passwordFile());
        this.remote = token.isPresent()
                ? new GitRemote(name, config.cloneUrl(), Optional.of(credentials.username().orElse("x-access-token")),
                        token, credentials.sshKey(), credentials.knownHosts())
                : new GitRemote(name, config.cloneUrl(), credentials.username(),
                        credentials.username().isPresent() ? password.or(() -> Optional.of("")) : password,
                        credentials.sshKey(), credentials.knownHosts());
        Duration interval = config.pollInterval().orElse(defaultPollInterval);
        this.pollInterval = interval.isZero() || interval.isNegative() ? Optional.empty() : Optional.of(interval);
    }

    public String name() {
        return name;
    }

    public GitWatcherConfig.Repository config() {
        return config;
    }

    /** The clone URL without credentials: what events, answers and logs show. */
    public String cloneUrl() {
        return remote.redactedUrl();
    }

    /** The remote as Git reaches it (with its credentials). */
    public GitRemote remote() {
        return remote;
    }

    /** How often it is polled; empty: never. */
    public Optional<Duration> pollInterval() {
        return pollInterval;
    }

    /** True when {@code branch} (short name) matches one of the configured patterns. */
    public boolean watchesBranch(String branch) {
        return branches.stream().anyMatch(p -> p.matcher(branch).matches());
    }

    /** The webhook secret: this repository's, else the default, else none. */
    public Optional<String> secret(Optional<String> defaultSecret) {
        return secret.or(() -> defaultSecret);
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
