package dev.quayside.notifier.service;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A routing rule: events matching every non-empty criterion go to each of {@code channels}, rendered with
 * {@code template} (default: the event type's own).
 */
public record Rule(String name, Match match, List<String> channels, String template) {

    @JsonCreator
    public Rule(@JsonProperty("name") String name, @JsonProperty("match") Match match,
            @JsonProperty("channels") List<String> channels, @JsonProperty("template") String template) {
        this.name = name;
        this.match = match == null ? Match.ANY : match;
        this.channels = channels == null ? List.of() : List.copyOf(channels);
        this.template = template;
    }

    /** The criteria; an empty set matches anything, values compare case-insensitively. */
    public record Match(Set<String> types, Set<String> outcomes, Set<String> apps, Set<String> environments,
            Set<String> repositories, Set<String> teams) {

        static final Match ANY = new Match(null, null, null, null, null, null);

        @JsonCreator
        public Match(@JsonProperty("types") Set<String> types, @JsonProperty("outcomes") Set<String> outcomes,
                @JsonProperty("apps") Set<String> apps, @JsonProperty("environments") Set<String> environments,
                @JsonProperty("repositories") Set<String> repositories, @JsonProperty("teams") Set<String> teams) {
            this.types = lower(types);
            this.outcomes = lower(outcomes);
            this.apps = lower(apps);
            this.environments = lower(environments);
            this.repositories = lower(repositories);
            this.teams = lower(teams);
        }

        boolean test(EventFacts f, String team) {
            return in(types, f.typeKey()) && in(outcomes, f.outcome()) && in(apps, f.app())
                    && in(environments, f.environment()) && in(repositories, f.repository()) && in(teams, team);
        }

        private static boolean in(Set<String> wanted, String value) {
            return wanted.isEmpty() || value != null && wanted.contains(value.toLowerCase(Locale.ROOT));
        }

        private static Set<String> lower(Set<String> values) {
            return values == null ? Set.of()
                    : values.stream().map(v -> v.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        }
    }

    boolean matches(EventFacts facts, String team) {
        return match.test(facts, team);
    }
}
