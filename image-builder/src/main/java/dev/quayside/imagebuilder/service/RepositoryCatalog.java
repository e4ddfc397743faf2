package dev.quayside.imagebuilder.service;

import dev.quayside.gitkit.SshSessions;
import dev.quayside.imagebuilder.client.BuildFailedException;
import dev.quayside.imagebuilder.client.GitClient;
import dev.quayside.imagebuilder.config.BuilderConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.jgit.transport.URIish;

/**
 * The repositories image-builder may build, from its own configuration only (a {@code CommitPushed} event names the
 * repository, never where to fetch it from): the clone URL of each, the image namespace it owns, its build args and
 * its SSH key. Checked when the service starts: a URL of a kind that is not fetched, a template without
 * {@code {repository}}, an invalid namespace or build-arg name, a namespace two repositories claim, a missing key file
 * stop the start with a message naming the key.
 */
@ApplicationScoped
@Startup
public class RepositoryCatalog {

    /** A repository name the clone URL template may take. */
    static final Pattern TEMPLATE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    /** Docker's (and the shell's) rule for an {@code ARG} name. */
    static final Pattern BUILD_ARG = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    /** Docker refuses repository names longer than this. */
    static final int MAX_IMAGE_NAME = 255;
    private static final Set<String> REMOTE_SCHEMES = Set.of("https", "http", "ssh", "git", "git+ssh", "ssh+git");
    private static final String PLACEHOLDER = "{repository}";

    /**
     * Where and how one repository is fetched, and what it owns.
     *
     * @param namespace the image names it owns: this one and those below it
     */
    public record Source(String repository, GitClient.Remote remote, String namespace, Map<String, String> buildArgs) {
    }

    private final BuilderConfig config;
    /** The namespaces of the listed repositories (those whose name gives one). */
    private final Map<String, String> listedNamespaces = new LinkedHashMap<>();

    RepositoryCatalog(BuilderConfig config) {
        this.config = config;
        List<String> problems = new ArrayList<>();
        config.cloneUrlTemplate().ifPresent(template -> {
            if (!template.contains(PLACEHOLDER)) {
                problems.add("quayside.builder.clone-url-template " + GitClient.redact(template) + " has no "
                        + PLACEHOLDER);
            } else {
                urlProblem(template.replace(PLACEHOLDER, "repository")).ifPresent(p -> problems.add(
                        "quayside.builder.clone-url-template " + GitClient.redact(template) + ": " + p));
            }
        });
        config.buildTags().ifPresent(patterns -> {
            try {
                BuildSettingsLoader.patterns("quayside.builder.build-tags", patterns);
            } catch (InvalidSettingsException e) {
                problems.add(e.getMessage());
            }
        });
        SshSessions.unreadable(config.sshKey(), "quayside.builder.ssh-key").ifPresent(problems::add);
        SshSessions.unreadable(config.knownHosts(), "quayside.builder.known-hosts").ifPresent(problems::add);
        Map<String, String> claimedBy = new LinkedHashMap<>();
        config.repositories().forEach((name, repository) -> {
            String key = "quayside.builder.repositories.\"" + name + "\".";
            repository.url().flatMap(RepositoryCatalog.this::urlProblem)
                    .ifPresent(p -> problems.add(key + "url " + GitClient.redact(repository.url().get()) + ": " + p));
            repository.buildArgs().keySet().stream().filter(arg -> !BUILD_ARG.matcher(arg).matches())
                    .forEach(arg -> problems.add(key + "build-args." + arg + ": not a build-arg name ("
                            + BUILD_ARG.pattern() + ")"));
            SshSessions.unreadable(repository.sshKey(), key + "ssh-key").ifPresent(problems::add);
            SshSessions.unreadable(repository.knownHosts(), key + "known-hosts").ifPresent(problems::add);
            if (repository.imageNamespace().isPresent()) {
                String namespace = repository.imageNamespace().get();
                if (!validImage(namespace)) {
                    problems.add(key + "image-namespace '" + namespace + "' is not a valid image name ("
                            + BuildSettingsLoader.IMAGE_RULE + ")");
                    return;
                }
            }
            try {
                String namespace = namespace(name);
                String other = claimedBy.putIfAbsent(namespace, name);
                if (other != null) {
                    problems.add("repositories " + other + " and " + name + " both own the image namespace "
                            + namespace + ": set quayside.builder.repositories.\"" + name + "\".image-namespace");
                }
                listedNamespaces.put(name, namespace);
            } catch (InvalidSettingsException e) {
                // its pushes fail with the reason; the others are built
            }
        });
        if (!problems.isEmpty()) {
            throw new IllegalStateException("image-builder's repository configuration is invalid:\n  "
                    + String.join("\n  ", problems));
        }
    }

    /**
     * Where to fetch {@code repository} from.
     *
     * @throws BuildFailedException when the configuration lists it nowhere, or the template cannot take its name
     */
    public Source source(String repository) {
        BuilderConfig.Repository listed = config.repositories().get(repository);
        Optional<String> url = listed == null ? Optional.empty() : listed.url();
        if (url.isEmpty()) {
            if (config.cloneUrlTemplate().isEmpty()) {
                throw new BuildFailedException("repository '" + repository + "' is "
                        + (listed == null ? "not in image-builder's configuration (quayside.builder.repositories)"
                                : "listed without a url")
                        + " and no quayside.builder.clone-url-template is set: it is not fetched");
            }
            if (!TEMPLATE_NAME.matcher(repository).matches() || repository.contains("..")) {
                throw new BuildFailedException("repository name '" + repository + "' cannot be put into "
                        + "quayside.builder.clone-url-template (" + TEMPLATE_NAME.pattern() + ", without '..'): "
                        + "it is not fetched");
            }
            url = Optional.of(config.cloneUrlTemplate().get().replace(PLACEHOLDER, repository));
            Optional<String> problem = urlProblem(url.get());
            if (problem.isPresent()) {
                throw new BuildFailedException("repository '" + repository + "': " + problem.get());
            }
        }
        Optional<Path> key = listed == null ? Optional.empty() : listed.sshKey();
        Optional<Path> knownHosts = listed == null ? Optional.empty() : listed.knownHosts();
        return new Source(repository, new GitClient.Remote(url.get(), key.or(config::sshKey),
                knownHosts.or(config::knownHosts)), namespace(repository), buildArgs(repository));
    }

    /** The build args the configuration gives {@code repository}'s builds. */
    Map<String, String> buildArgs(String repository) {
        BuilderConfig.Repository listed = config.repositories().get(repository);
        return listed == null ? Map.of() : Map.copyOf(listed.buildArgs());
    }

    /**
     * The image namespace {@code repository} owns: its configured one, else {@code [image-prefix]} + its name,
     * lower-cased and cleaned.
     *
     * @throws InvalidSettingsException when the name gives no valid image name
     */
    String namespace(String repository) {
        BuilderConfig.Repository listed = config.repositories().get(repository);
        if (listed != null && listed.imageNamespace().isPresent()) {
            return listed.imageNamespace().get();
        }
        String base = repository.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._/-]", "-")
                .replaceAll("^[^a-z0-9]+|[^a-z0-9]+$", "");
        String name = config.imagePrefix().orElse("") + base;
        if (!validImage(name)) {
            throw new InvalidSettingsException("repository name '" + repository + "' gives no valid image name ('"
                    + name + "'): set quayside.builder.repositories.\"" + repository + "\".image-namespace");
        }
        return name;
    }

    /**
     * Throws unless {@code repository} owns {@code image}: the image is its namespace or below it, and not in a
     * namespace another listed repository owns that is as deep or deeper.
     */
    void requireOwned(String repository, String image, String fileName) {
        String namespace = namespace(repository);
        if (!within(image, namespace)) {
            throw new InvalidSettingsException(fileName + ": 'image' " + image + " is outside the image namespace of "
                    + "repository " + repository + ": it owns " + namespace + " and " + namespace + "/...");
        }
        listedNamespaces.forEach((other, theirs) -> {
            if (!other.equals(repository) && theirs.length() >= namespace.length() && within(image, theirs)) {
                throw new InvalidSettingsException(fileName + ": 'image' " + image + " is in the image namespace "
                        + theirs + " of repository " + other + ", not of " + repository);
            }
        });
    }

    static boolean validImage(String name) {
        return name.length() <= MAX_IMAGE_NAME && BuildSettingsLoader.IMAGE_NAME.matcher(name).matches();
    }

    private static boolean within(String image, String namespace) {
        return image.equals(namespace) || image.startsWith(namespace + "/");
    }

    /** Why {@code url} is not fetched, or empty when it may be. */
    Optional<String> urlProblem(String url) {
        URIish uri;
        try {
            uri = new URIish(url);
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.of("not a Git URL");
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean local = scheme == null ? uri.getHost() == null : scheme.equals("file");
        if (local) {
            return config.allowLocalRemotes() ? Optional.empty() : Optional.of("file:// URLs and local paths are "
                    + "only fetched with quayside.builder.allow-local-remotes=true (local runs and tests)");
        }
        if (scheme != null && !REMOTE_SCHEMES.contains(scheme)) {
            return Optional.of("scheme " + scheme + " is not fetched (https, http, ssh, git, or user@host:path)");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            return Optional.of("no host");
        }
        return Optional.empty();
    }
}
