package dev.quayside.configsyncer.writeback;

import dev.quayside.configsyncer.config.ConfigSyncerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where config-syncer fetches the application (source) repositories from, to order two builds by ancestry: from its
 * own configuration ({@code quayside.config-syncer.sources.<name>.url} or {@code source-url-template}), by the name an
 * {@code ImageBuilt} carries, never from a URL an event carries.
 */
@ApplicationScoped
public class SourceRepositories {

    /** A name that may stand in a URL template: no path separators, no {@code ..}. */
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    /** One source repository and how to fetch it. */
    public record Source(String name, String url, String username, String password) {
    }

    private final Map<String, ConfigSyncerConfig.Source> listed;
    private final String template;
    private final boolean allowLocal;

    @Inject
    SourceRepositories(ConfigSyncerConfig config) {
        this(config.sources(), config.sourceUrlTemplate().orElse(null), config.allowLocalSources());
    }

    public SourceRepositories(Map<String, ConfigSyncerConfig.Source> listed, String template, boolean allowLocal) {
        this.listed = Map.copyOf(listed);
        this.template = template;
        this.allowLocal = allowLocal;
        listed.forEach((name, source) -> check(name, source.url()));
    }

    /** Source repositories from a URL template only (tests, tools). */
    public static SourceRepositories fromTemplate(String template, boolean allowLocal) {
        return new SourceRepositories(Map.of(), template, allowLocal);
    }

    /**
     * The source repository {@code name}, or why it cannot be fetched (empty with the reason in {@link #whyNot}).
     */
    public Optional<Source> find(String name) {
        ConfigSyncerConfig.Source source = name == null ? null : listed.get(name);
        if (source != null) {
            return Optional.of(new Source(name, source.url(), source.username().orElse(null),
                    source.password().orElse(null)));
        }
        if (template == null || name == null || !SAFE_NAME.matcher(name).matches() || name.contains("..")) {
            return Optional.empty();
        }
        String url = template.replace("{repository}", name);
        return local(url) && !allowLocal ? Optional.empty() : Optional.of(new Source(name, url, null, null));
    }

    /** Why {@link #find} has no repository {@code name}. */
    public String whyNot(String name) {
        if (template == null) {
            return "source repository '" + name + "' is not configured (quayside.config-syncer.sources." + name
                    + ".url or quayside.config-syncer.source-url-template)";
        }
        if (name == null || !SAFE_NAME.matcher(name).matches() || name.contains("..")) {
            return "source repository name '" + name + "' cannot stand in the source URL template";
        }
        return "source repository '" + name + "' is local and local sources are not allowed "
                + "(quayside.config-syncer.allow-local-sources)";
    }

    private void check(String name, String url) {
        if (local(url) && !allowLocal) {
            throw new IllegalArgumentException("quayside.config-syncer.sources." + name + ".url is local (" + url
                    + "): set quayside.config-syncer.allow-local-sources=true for a local run");
        }
    }

    private static boolean local(String url) {
        return url.startsWith("file:") || url.startsWith("/") || url.startsWith(".");
    }
}
