package dev.quayside.gitwatcher.service;

import dev.quayside.gitwatcher.config.GitWatcherConfig;
import dev.quayside.gitwatcher.config.SecretValues;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The allow-list: finds the configured repository a payload names, by configured name or alias, or by clone URL (host
 * and path compared without scheme, user, port, case or {@code .git}). Created at start, so that a secret file that
 * cannot be read stops the service with the key named.
 */
@Startup
@ApplicationScoped
public class RepositoryRegistry {

    private final Map<String, WatchedRepository> byName = new LinkedHashMap<>();
    private final Map<String, WatchedRepository> byAlias = new LinkedHashMap<>();
    private final Map<String, WatchedRepository> byUrl = new LinkedHashMap<>();
    private final Optional<String> defaultSecret;

    public RepositoryRegistry(GitWatcherConfig config) {
        this.defaultSecret = SecretValues.resolve("quayside.git-watcher.default-secret", config.defaultSecret(),
                config.defaultSecretFile());
        config.repositories().forEach((name, repository) -> {
            WatchedRepository watched = new WatchedRepository(name, repository, config.pollInterval());
            byName.put(name, watched);
            byAlias.put(name.toLowerCase(Locale.ROOT), watched);
            repository.aliases().ifPresent(aliases -> aliases
                    .forEach(alias -> byAlias.put(alias.toLowerCase(Locale.ROOT), watched)));
            byUrl.put(normalizeUrl(repository.cloneUrl()), watched);
        });
    }

    /** The webhook secret of repositories without their own (read from its file where configured so). */
    public Optional<String> defaultSecret() {
        return defaultSecret;
    }

    public Collection<WatchedRepository> all() {
        return byName.values();
    }

    public Optional<WatchedRepository> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The configured repository {@code identity} names, if any. */
    public Optional<WatchedRepository> match(RepositoryIdentity identity) {
        if (identity.fullName() != null) {
            WatchedRepository named = byAlias.get(identity.fullName().toLowerCase(Locale.ROOT));
            if (named != null) {
                return Optional.of(named);
            }
        }
        for (String url : identity.urls()) {
            WatchedRepository matched = byUrl.get(normalizeUrl(url));
            if (matched != null) {
                return Optional.of(matched);
            }
        }
        return Optional.empty();
    }

    /** {@code host/path} of a Git URL (https, ssh, scp-like {@code user@host:path}, file), lower case, no {@code .git}. */
    static String normalizeUrl(String url) {
        String value = url.trim().toLowerCase(Locale.ROOT);
        String host;
        String path;
        int scheme = value.indexOf("://");
        if (scheme < 0 && value.matches("[^/@]+@[^/:]+:.*")) {
            host = value.substring(value.indexOf('@') + 1, value.indexOf(':'));
            path = value.substring(value.indexOf(':') + 1);
        } else if (scheme < 0) {
            host = "";
            path = value;
        } else {
            try {
                URI uri = URI.create(value);
                host = uri.getHost() == null ? "" : uri.getHost();
                path = uri.getPath() == null ? "" : uri.getPath();
            } catch (IllegalArgumentException e) {
                return value;
            }
        }
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.endsWith(".git")) {
            path = path.substring(0, path.length() - 4);
        }
        while (path.startsWith("/")) {
            path = path.substring(1);
        }
        return host + "/" + path;
    }
}
