package dev.quayside.notifier.service;

import dev.quayside.events.EventEnvelope;
import dev.quayside.events.ImageBuilt;
import dev.quayside.notifier.config.NotifierConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/** Chooses the channels (and templates) of each event by the routing rules; checks the rules at startup. */
@Startup
@ApplicationScoped
public class Router {

    private static final Logger LOG = Logger.getLogger(Router.class);

    /** Where one event goes. */
    public record Route(String rule, String channel, String template) {
    }

    private final List<Rule> rules;
    private final Map<String, String> configuredTeams;
    private final Map<String, String> labelledTeams = new ConcurrentHashMap<>();

    Router(NotifierConfig config, Templates templates) {
        this.configuredTeams = config.teams();
        boolean defaults = false;
        List<Rule> loaded;
        if (config.rulesFile().isPresent()) {
            loaded = RoutingRules.fromYaml(config.rulesFile().get());
        } else if (!config.rules().isEmpty()) {
            loaded = RoutingRules.fromConfig(config.rules());
        } else {
            loaded = RoutingRules.defaults(config.defaultChannel());
            defaults = true;
        }
        List<String> problems = RoutingRules.problems(loaded, config.channels().keySet());
        if (defaults && !problems.isEmpty()) {
            LOG.warnf("no channel named '%s' is configured (quayside.notifier.channels.%s.*): the default rules "
                    + "notify nobody", config.defaultChannel(), config.defaultChannel());
            loaded = List.of();
        } else if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid routing rules: " + String.join("; ", problems));
        }
        for (Rule rule : loaded) {
            if (rule.template() != null) {
                templates.requireExists(rule.template());
            }
        }
        this.rules = List.copyOf(loaded);
        LOG.infof("%d routing rules: %s", rules.size(), rules.stream().map(Rule::name).toList());
    }

    public List<Rule> rules() {
        return rules;
    }

    /** Remembers team labels that images carry ({@code team} or {@code quayside.team}). */
    public void learn(EventEnvelope<?> envelope) {
        if (envelope.data() instanceof ImageBuilt e && e.labels() != null && e.app() != null) {
            String team = e.labels().getOrDefault("quayside.team", e.labels().get("team"));
            if (team != null) {
                labelledTeams.put(e.app(), team);
            }
        }
    }

    /** The routes of one event: each channel once, the first matching rule's template winning. */
    public List<Route> routes(EventFacts facts) {
        String team = team(facts.app());
        Map<String, Route> byChannel = new LinkedHashMap<>();
        for (Rule rule : rules) {
            if (rule.matches(facts, team)) {
                for (String channel : rule.channels()) {
                    byChannel.putIfAbsent(channel, new Route(rule.name(), channel, rule.template()));
                }
            }
        }
        return new ArrayList<>(byChannel.values());
    }

    String team(String app) {
        if (app == null) {
            return null;
        }
        String configured = configuredTeams.get(app);
        return configured != null ? configured : labelledTeams.get(app);
    }
}
