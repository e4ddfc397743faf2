package dev.quayside.marathonapplier.service;

import dev.quayside.events.DeploymentTarget;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A definition's place in Consul KV, as config-syncer mirrors the config repo:
 * {@code <prefix>/<repo>/<branch>/marathon/<environment>/<app>.json} or {@code .../chronos/<environment>/<job>.json}.
 *
 * @param key         the full Consul key
 * @param file        the path inside the config repo ({@code marathon/<environment>/<app>.json})
 */
public record DefinitionKey(String key, String file, DeploymentTarget target, String environment, String app) {

    private static final Pattern LAYOUT = Pattern.compile("(?:^|.*/)((marathon|chronos)/([^/]+)/([^/]+)\\.json)$");

    /** The definition a key holds, or empty for keys that are not definitions (refs, other files). */
    public static Optional<DefinitionKey> parse(String key) {
        Matcher m = LAYOUT.matcher(key);
        if (!m.matches()) {
            return Optional.empty();
        }
        DeploymentTarget target = m.group(2).equals("marathon") ? DeploymentTarget.MARATHON : DeploymentTarget.CHRONOS;
        return Optional.of(new DefinitionKey(key, m.group(1), target, m.group(3), m.group(4)));
    }
}
