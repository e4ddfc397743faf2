package dev.quayside.board.service;

import dev.quayside.board.config.BoardConfig;
import dev.quayside.events.DeploymentTarget;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Links to the commit, the image, the config-repo commit and the Marathon app, from the templates in
 * {@code quayside.board.links.*}. A template whose placeholders have no value gives no link.
 */
@ApplicationScoped
public class Links {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-zA-Z]+)}");

    private final BoardConfig config;
    private final Map<String, String> cloneUrls = new ConcurrentHashMap<>();

    public Links(BoardConfig config) {
        this.config = config;
    }

    /** Remembers a repository's clone URL (from its pushes), for links to its commits. */
    void learn(String repository, String cloneUrl) {
        if (repository != null && cloneUrl != null) {
            cloneUrls.put(repository, cloneUrl);
        }
    }

    /** The Marathon base URL of an environment. */
    public String marathonUrl(String environment) {
        BoardConfig.Environment env = config.environments().get(environment);
        String url = env == null ? null : env.marathonUrl().orElse(null);
        return strip(url != null ? url : config.marathon().url());
    }

    Map<String, String> commit(String repository, String cloneUrl, String commit) {
        return link("commit", config.links().commit(), Map.of("repo", nn(repository), "commit", nn(commit),
                "web", web(cloneUrl != null ? cloneUrl : cloneUrls.get(repository))));
    }

    Map<String, String> configCommit(String repository, String commit) {
        return link("configCommit", config.links().commit(), Map.of("repo", nn(repository), "commit", nn(commit),
                "web", web(cloneUrls.get(repository))));
    }

    Map<String, String> image(String registry, String name, String tag, String digest) {
        return link("image", config.links().image(), Map.of("registry", nn(registry), "name", nn(name),
                "tag", nn(tag), "digest", nn(digest)));
    }

    Map<String, String> marathonApp(String environment, String appId, DeploymentTarget target) {
        if (target != DeploymentTarget.MARATHON || appId == null) {
            return Map.of();
        }
        return link("marathon", config.links().marathonApp(), Map.of("marathon", marathonUrl(environment),
                "appId", appId.startsWith("/") ? appId : "/" + appId));
    }

    private static Map<String, String> link(String name, String template, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null || value.isEmpty()) {
                return Map.of();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        Map<String, String> link = new LinkedHashMap<>();
        link.put(name, out.toString());
        return link;
    }

    /** The web address of an http(s) clone URL ({@code https://host/owner/repo}), or "" for any other URL. */
    static String web(String cloneUrl) {
        if (cloneUrl == null) {
            return "";
        }
        try {
            URI uri = URI.create(cloneUrl);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                return "";
            }
            String path = uri.getPath() == null ? "" : uri.getPath();
            path = path.endsWith(".git") ? path.substring(0, path.length() - 4) : path;
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                    + strip(path);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String nn(String value) {
        return value == null ? "" : value;
    }
}
