package dev.quayside.notifier.service;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.quayside.events.EventType;
import dev.quayside.notifier.config.NotifierConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Loads and checks routing rules: from a YAML file, from configuration, or the defaults. */
public final class RoutingRules {

    /** The event type keys rules may name. */
    public static final Set<String> TYPE_KEYS = Arrays.stream(EventType.values()).map(EventFacts::typeKey)
            .collect(Collectors.toUnmodifiableSet());

    private RoutingRules() {
    }

    /** The shape of a rules file: {@code rules: [...]}. */
    record RulesFile(@JsonProperty("rules") List<Rule> rules) {
    }

    /** Rules from a YAML file; an unreadable or invalid file is an error naming the file and the problem. */
    public static List<Rule> fromYaml(Path file) {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        RulesFile parsed;
        try {
            parsed = yaml.readValue(Files.readAllBytes(file), RulesFile.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read rules file " + file + ": " + e.getMessage(), e);
        }
        if (parsed == null || parsed.rules() == null) {
            throw new IllegalArgumentException("rules file " + file + " has no 'rules' list");
        }
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < parsed.rules().size(); i++) {
            Rule r = parsed.rules().get(i);
            rules.add(r.name() == null ? new Rule("rule-" + (i + 1), r.match(), r.channels(), r.template()) : r);
        }
        return rules;
    }

    /** Rules from {@code quayside.notifier.rules.<name>.*}. */
    public static List<Rule> fromConfig(Map<String, NotifierConfig.RuleConfig> configured) {
        List<Rule> rules = new ArrayList<>();
        new LinkedHashMap<>(configured).forEach((name, c) -> rules.add(new Rule(name,
                new Rule.Match(set(c.types()), set(c.outcomes()), set(c.apps()), set(c.environments()),
                        set(c.repositories()), set(c.teams())),
                c.channels(), c.template().orElse(null))));
        return rules;
    }

    /** Build failures, deployment failures, rollbacks and other stage failures to {@code channel}; no successes. */
    public static List<Rule> defaults(String channel) {
        List<String> to = List.of(channel);
        return List.of(
                new Rule("build-failures", new Rule.Match(Set.of("build-finished"), Set.of("failure", "timed-out"),
                        null, null, null, null), to, null),
                new Rule("deployment-failures", new Rule.Match(Set.of("deployment-failed"), null, null, null, null,
                        null), to, null),
                new Rule("rollbacks", new Rule.Match(Set.of("service-rolled-back"), null, null, null, null, null),
                        to, null),
                new Rule("stage-failures", new Rule.Match(Set.of("tag-updated", "config-synced", "routes-updated"),
                        Set.of("failure", "invalid", "reload-failed"), null, null, null, null), to, null));
    }

    /** Every problem of {@code rules} against the configured channels, or an empty list. */
    public static List<String> problems(List<Rule> rules, Set<String> channels) {
        List<String> problems = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Rule rule : rules) {
            if (!names.add(rule.name())) {
                problems.add("rule '" + rule.name() + "' is defined twice");
            }
            if (rule.channels().isEmpty()) {
                problems.add("rule '" + rule.name() + "' names no channel");
            }
            for (String channel : rule.channels()) {
                if (!channels.contains(channel)) {
                    problems.add("rule '" + rule.name() + "' names unknown channel '" + channel + "' (configured: "
                            + channels.stream().sorted().toList() + ")");
                }
            }
            for (String type : rule.match().types()) {
                if (!TYPE_KEYS.contains(type)) {
                    problems.add("rule '" + rule.name() + "' names unknown event type '" + type + "' (known: "
                            + TYPE_KEYS.stream().sorted().toList() + ")");
                }
            }
        }
        return problems;
    }

    private static Set<String> set(java.util.Optional<List<String>> values) {
        return values.map(HashSet::new).orElse(null);
    }
}
