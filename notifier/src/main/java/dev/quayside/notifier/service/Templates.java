package dev.quayside.notifier.service;

import dev.quayside.notifier.config.NotifierConfig;
import io.quarkus.qute.Engine;
import io.quarkus.qute.Template;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Renders events into {@link Notification}s with Qute. The template {@code events/<name>.txt} gives the title (first
 * line) and the body (the rest); a file {@code <templates-dir>/<name>.txt} overrides the built-in one. Templates see
 * the event's facts as top-level values ({@code app}, {@code outcome}, {@code reason}, {@code chain}, ...).
 */
@ApplicationScoped
public class Templates {

    static final String DEFAULT = "default";

    private final Engine engine;
    private final NotifierConfig config;
    private final Map<String, Template> cache = new ConcurrentHashMap<>();

    Templates(Engine engine, NotifierConfig config) {
        this.engine = engine;
        this.config = config;
    }

    /** Renders one event with the named template (the type key when null; the default template when none exists). */
    public Notification render(EventFacts facts, ChainTracker.Chain chain, String templateName) {
        String chainSummary = ChainTracker.summary(chain, facts);
        Map<String, Object> data = data(facts, chainSummary);
        String rendered = template(templateName != null ? templateName : facts.typeKey()).data(data).render();
        String[] titleAndBody = split(rendered);
        return new Notification(facts.eventId(), facts.typeKey(), titleAndBody[0], titleAndBody[1], chainSummary,
                links(facts, chain), fields(facts), facts.isFailure(), 1);
    }

    /** One message for notifications folded together: the title says how many, the body lists them. */
    public Notification digest(String id, List<Notification> folded, boolean reminder) {
        Notification first = folded.get(0);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("count", folded.size());
        data.put("reminder", reminder);
        data.put("type", first.typeKey());
        data.put("titles", folded.stream().map(Notification::title).toList());
        String[] titleAndBody = split(template("digest").data(data).render());
        return new Notification(id, first.typeKey(), titleAndBody[0], titleAndBody[1], first.chain(),
                first.links(), first.fields(), first.failure(), folded.size());
    }

    Template template(String name) {
        return cache.computeIfAbsent(name, this::load);
    }

    private Template load(String name) {
        if (config.templatesDir().isPresent()) {
            Path file = config.templatesDir().get().resolve(name + ".txt");
            if (Files.isRegularFile(file)) {
                try {
                    return engine.parse(Files.readString(file, StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read template " + file, e);
                }
            }
        }
        Template builtIn = engine.getTemplate("events/" + name + ".txt");
        if (builtIn == null) {
            builtIn = engine.getTemplate("events/" + name);
        }
        if (builtIn != null) {
            return builtIn;
        }
        if (name.equals(DEFAULT)) {
            throw new IllegalStateException("the built-in default template is missing");
        }
        return template(DEFAULT);
    }

    /** Fails when a template a rule names exists neither as a file nor built in. */
    public void requireExists(String name) {
        boolean file = config.templatesDir().map(d -> Files.isRegularFile(d.resolve(name + ".txt"))).orElse(false);
        if (!file && engine.getTemplate("events/" + name + ".txt") == null) {
            throw new IllegalArgumentException("template '" + name + "' not found: neither built in (events/" + name
                    + ".txt) nor in quayside.notifier.templates-dir");
        }
    }

    private static Map<String, Object> data(EventFacts f, String chainSummary) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("eventId", f.eventId());
        data.put("chainId", nz(f.chainId()));
        data.put("type", f.typeKey());
        data.put("outcome", nz(f.outcome()));
        data.put("failure", f.isFailure());
        data.put("app", nz(f.app()));
        data.put("environment", nz(f.environment()));
        data.put("repository", nz(f.repository()));
        data.put("commit", nz(f.commit()));
        data.put("shortCommit", nz(f.shortCommit()));
        data.put("branch", nz(f.branch()));
        data.put("image", nz(f.image()));
        data.put("target", nz(f.targetId()));
        data.put("deploymentId", nz(f.deploymentId()));
        data.put("duration", f.durationMs() == null ? "" : duration(f.durationMs()));
        data.put("reason", nz(f.reason()));
        data.put("detail", f.detail() == null ? List.of() : f.detail());
        data.put("subject", nz(f.subject()));
        data.put("chain", chainSummary);
        return data;
    }

    private List<Notification.Link> links(EventFacts f, ChainTracker.Chain chain) {
        Map<String, String> values = new LinkedHashMap<>();
        String repositoryUrl = f.repository() == null ? null : config.links().repositories().get(f.repository());
        if (repositoryUrl == null) {
            repositoryUrl = chain.repositoryUrl();
        }
        String commit = f.commit() != null ? f.commit() : chain.commit();
        values.put("repositoryUrl", repositoryUrl);
        values.put("repository", f.repository());
        values.put("commit", commit);
        values.put("app", f.app());
        values.put("environment", f.environment());
        values.put("image", f.image());
        values.put("targetId", f.targetId());
        values.put("deploymentId", f.deploymentId());
        List<Notification.Link> links = new ArrayList<>();
        if (repositoryUrl != null && commit != null && f.type() != dev.quayside.events.EventType.CONFIG_SYNCED) {
            add(links, "Commit " + commit.substring(0, Math.min(7, commit.length())), config.links().commit(), values);
        }
        if (f.image() != null) {
            config.links().image().ifPresent(t -> add(links, "Image", t, values));
        }
        if (f.targetId() != null && f.environment() != null) {
            config.links().deployment().ifPresent(t -> add(links, "Deployment", t, values));
        }
        return links;
    }

    private static void add(List<Notification.Link> links, String label, String template, Map<String, String> values) {
        String url = fill(template, values);
        if (url != null) { // a link with a hole is worse than none
            links.add(new Notification.Link(label, url));
        }
    }

    /** {@code template} with its {@code {name}} placeholders filled from {@code values}; null when one it uses has none. */
    static String fill(String template, Map<String, String> values) {
        String s = template;
        for (Map.Entry<String, String> v : values.entrySet()) {
            String placeholder = "{" + v.getKey() + "}";
            if (s.contains(placeholder)) {
                if (v.getValue() == null) {
                    return null;
                }
                s = s.replace(placeholder, v.getValue());
            }
        }
        return s;
    }

    private static List<Notification.Field> fields(EventFacts f) {
        List<Notification.Field> fields = new ArrayList<>();
        field(fields, "App", f.app());
        field(fields, "Environment", f.environment());
        field(fields, "Outcome", f.outcome());
        field(fields, "Repository", f.repository());
        field(fields, "Commit", f.shortCommit());
        field(fields, "Image", f.image());
        return fields;
    }

    private static void field(List<Notification.Field> fields, String name, String value) {
        if (value != null && !value.isEmpty()) {
            fields.add(new Notification.Field(name, value));
        }
    }

    private static String[] split(String rendered) {
        String text = rendered.strip();
        int nl = text.indexOf('\n');
        if (nl < 0) {
            return new String[] {text, ""};
        }
        return new String[] {text.substring(0, nl).strip(), text.substring(nl + 1).strip()};
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    /** 42 s, 3 min 5 s, 1 h 2 min. */
    static String duration(long millis) {
        long s = Math.round(millis / 1000.0);
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return (s / 60) + " min" + (s % 60 == 0 ? "" : " " + (s % 60) + " s");
        }
        return (s / 3600) + " h" + ((s % 3600) / 60 == 0 ? "" : " " + ((s % 3600) / 60) + " min");
    }
}
